package dev.memvisor.cli.sim;

import dev.memvisor.core.policy.PolicyRegistry;
import dev.memvisor.sim.engine.Simulation;
import dev.memvisor.sim.report.CompareWriter;
import dev.memvisor.sim.report.Reports;
import dev.memvisor.sim.report.SimResult;
import dev.memvisor.sim.scenario.Scenario;
import dev.memvisor.sim.scenario.ScenarioLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code memvisor compare}: runs one scenario under several policies and writes them side by side. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Run one scenario under each policy and write a side-by-side summary.json and report.html"
                + " (slowdown per VM, memory reclaimed by each mechanism, swap used); each policy's own outputs go to DIR/POLICY/.")
public final class CompareCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SCENARIO.yaml", description = "The scenario file.")
    Path scenario;

    @Option(names = "--policies", split = ",", paramLabel = "NAMES",
            description = "Policies to compare, comma-separated (default: every registered policy).")
    List<String> policies = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Folder for the outputs.")
    Path out;

    @Option(names = "--set", paramLabel = "PATH=VALUE",
            description = "Override a scenario field, e.g. --set policy.idleTax=0 (every policy gets the parameters); repeatable.")
    List<String> overrides = new ArrayList<>();

    @Option(names = Admission.FLAG,
            description = "Run a scenario whose reservations and per-VM overheads do not fit machine memory (refused by"
                    + " admission control otherwise); the reports then count the pages taken below reservations.")
    boolean allowOvercommittedReservations;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<String> names = new ArrayList<>(new LinkedHashSet<>(policies.isEmpty() ? PolicyRegistry.names() : policies));
        for (String n : names) {
            if (!PolicyRegistry.names().contains(n)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--policies: unknown policy '" + n + "', expected some of " + String.join(", ", PolicyRegistry.names()));
            }
        }
        SimulateCommand.checkOverrides(spec, overrides);
        Scenario base = ScenarioLoader.load(scenario, overrides);
        boolean overcommitted = Admission.check(base, scenario, allowOvercommittedReservations, err, "compare");
        OutputFolder.prepare(spec, out);
        List<SimResult> runs = new ArrayList<>();
        for (String n : names) {
            err.println("compare: running " + n + " ...");
            err.flush();
            SimResult r = SimulateCommand.run(base.withPolicy(n), err, "compare", Simulation.defaultThreads());
            Reports.writeAll(r, out.resolve(n));
            runs.add(r);
        }
        CompareWriter.write(runs, out);
        o.printf(Locale.ROOT, "%-16s", "slowdown");
        for (SimResult r : runs) o.printf(Locale.ROOT, " %9s", r.policy);
        o.println();
        for (int i = 0; i < runs.get(0).vms.size(); i++) {
            o.printf(Locale.ROOT, "%-16s", runs.get(0).vms.get(i).name);
            for (SimResult r : runs) o.printf(Locale.ROOT, " %9.2f", r.vms.get(i).slowdown);
            o.println();
        }
        if (overcommitted) for (SimResult r : runs) o.println("reservation violations: " + Admission.violations(r));
        o.println("outputs: " + out.toAbsolutePath().normalize() + " (report.html, summary.json; one folder per policy)");
        o.flush();
        return 0;
    }
}
