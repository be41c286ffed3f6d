package dev.memvisor.cli;

import picocli.CommandLine.Command;

/** The top-level {@code memvisor} command; each job is a subcommand. */
@Command(name = "memvisor",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Hypervisor memory resource management, as VMware ESX does it, for KVM/QEMU hosts:"
                + " policies, a page-level simulator, a real manager and counter correction.",
        // fleet runs from the fleet module's own jar (Apache Spark), so the commands above never load Spark
        footer = {"", "Also: fleet  the fewest hosts per policy for a fleet of VMs, each host an",
                "             Apache Spark task (its own jar: ./memvisor fleet --help)"},
        subcommands = {
                DemoCommand.class,
                PoliciesCommand.class,
                dev.memvisor.cli.sim.SimulateCommand.class,
                dev.memvisor.cli.sim.CompareCommand.class,
                dev.memvisor.cli.sim.BenchCommand.class,
                dev.memvisor.cli.fidelity.FidelityCommand.class,
                dev.memvisor.cli.measure.AnalyzeCommand.class,
                dev.memvisor.cli.measure.CorrectCpuCommand.class,
                dev.memvisor.cli.measure.MeasureCommand.class,
                dev.memvisor.cli.qemu.GuestImageCommand.class,
                dev.memvisor.cli.qemu.RunCommand.class,
                dev.memvisor.cli.qemu.TopCommand.class,
                dev.memvisor.cli.migrate.MigrateCommand.class,
                dev.memvisor.cli.migrate.ScanCommand.class,
                dev.memvisor.cli.migrate.MigrationModelCommand.class,
                dev.memvisor.cli.density.DensityCommand.class,
        })
public final class MemvisorCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** No command given: a usage error (exit 2) that shows the usage on stderr, as picocli does for a missing subcommand. */
    @Override
    public void run() {
        throw new MissingCommand(spec.commandLine());
    }

    /** {@code memvisor} with no command. */
    static final class MissingCommand extends picocli.CommandLine.ParameterException {
        MissingCommand(picocli.CommandLine cl) {
            super(cl, "Missing required subcommand");
        }
    }
}
