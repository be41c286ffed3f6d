package dev.memvisor.cli;

import picocli.CommandLine.Command;

/** The top-level {@code memvisor} command; each job is a subcommand. */
@Command(name = "memvisor",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Hypervisor memory resource management, as VMware ESX does it, for KVM/QEMU hosts:"
                + " policies, a page-level simulator, a real manager and counter correction.",
        subcommands = {
                PoliciesCommand.class,
                DemoCommand.class,
        })
public final class MemvisorCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
