package dev.memvisor.cli.sim;

import dev.memvisor.sim.engine.Simulation;
import dev.memvisor.sim.report.Reports;
import dev.memvisor.sim.report.SimResult;
import dev.memvisor.sim.scenario.Scenario;
import dev.memvisor.sim.scenario.ScenarioLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code memvisor simulate}: simulates one host and its VMs page by page under a policy. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Simulate one host and its VMs page by page under a memory policy; writes summary.json,"
                + " timeseries.csv, esxtop.csv, cpu.csv and report.html into the output folder.")
public final class SimulateCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SCENARIO.yaml", description = "The scenario file (see README, section Simulator).")
    Path scenario;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Folder for the outputs (created if missing).")
    Path out;

    @Option(names = "--set", paramLabel = "PATH=VALUE",
            description = "Override a scenario field, e.g. --set policy.idleTax=0 or --set vms[0].memory=8G; repeatable.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads the host's VMs run on within a step (default: every processor, or the system property memvisor.simThreads); the outputs are the same.")
    Integer threads;

    @Option(names = "--policy", paramLabel = "NAME", description = "Shortcut for --set policy.name=NAME.")
    String policy;

    @Option(names = Admission.FLAG,
            description = "Run a scenario whose reservations and per-VM overheads do not fit machine memory (refused by"
                    + " admission control otherwise); the report then counts the pages taken below reservations.")
    boolean allowOvercommittedReservations;

    @Override
    public Integer call() throws Exception {
        PrintWriter outw = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        checkOverrides(spec, overrides);
        List<String> sets = new ArrayList<>(overrides);
        if (policy != null) sets.add("policy.name=" + policy);
        Scenario sc = ScenarioLoader.load(scenario, sets);
        boolean overcommitted = Admission.check(sc, scenario, allowOvercommittedReservations, err, "simulate");
        OutputFolder.prepare(spec, out);
        if (threads != null && threads < 1) throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--threads: expected at least 1, got " + threads);
        SimResult r = run(sc, err, "simulate", threads != null ? threads : Simulation.defaultThreads());
        Reports.writeAll(r, out);
        printSummary(r, outw);
        if (overcommitted) outw.println("reservation violations: " + Admission.violations(r));
        outw.println("outputs: " + out.toAbsolutePath().normalize() + " (report.html, summary.json, timeseries.csv, esxtop.csv, cpu.csv)");
        outw.flush();
        return 0;
    }

    /** Rejects a --set that is not PATH=VALUE as a usage error (exit 2). */
    public static void checkOverrides(CommandSpec spec, List<String> overrides) {
        for (String o : overrides) {
            if (o.indexOf('=') <= 0) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--set " + o + ": expected PATH=VALUE, e.g. --set policy.idleTax=0");
            }
        }
    }

    /** Runs a scenario with a progress bar on {@code err}, its VMs on {@code threads} threads within a step. */
    static SimResult run(Scenario sc, PrintWriter err, String label, int threads) {
        ProgressBar bar = new ProgressBar(err, label + " " + sc.host().policyName());
        try {
            return new Simulation(sc, threads).run(bar);
        } finally {
            bar.finish();
        }
    }

    /** Prints the compact per-VM table. */
    static void printSummary(SimResult r, PrintWriter out) {
        out.printf(java.util.Locale.ROOT, "policy %s: %d VMs, %.0f s simulated in %.1f s wall (%d page references), peak overcommit %.2f%n",
                r.policy, r.vms.size(), r.times.isEmpty() ? 0 : r.times.get(r.times.size() - 1), r.wallMillis / 1000.0,
                r.totalRefs, r.peakOvercommit);
        out.printf(java.util.Locale.ROOT, "%-16s %9s %9s %9s %9s %9s %8s%n", "vm", "grant MB", "balloon", "swapped", "shrdsvd", "dblpaged", "slowdown");
        for (SimResult.VmRecord v : r.vms) {
            out.printf(java.util.Locale.ROOT, "%-16s %9.0f %9.0f %9.0f %9.0f %9d %8.2f%n", v.name,
                    v.mean(dev.memvisor.core.counter.Counter.GRANT), v.max(dev.memvisor.core.counter.Counter.MCTLSZ),
                    v.max(dev.memvisor.core.counter.Counter.SWCUR), v.mean(dev.memvisor.core.counter.Counter.SHRDSVD),
                    v.doublePagedPages, v.slowdown);
        }
    }
}
