package dev.memvisor.cli.sim;

import dev.memvisor.sim.bench.BenchScenarios;
import dev.memvisor.sim.engine.Simulation;
import dev.memvisor.sim.report.SimResult;
import dev.memvisor.sim.scenario.Scenario;
import dev.memvisor.sim.scenario.ScenarioLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** {@code memvisor bench}: times the simulator's core loop, a 16-VM host over an hour and example 5. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure the simulator's speed: page references per second in the core loop, a 16-VM x 2 GiB host"
                + " over one simulated hour (10,000 refs/s per VM) and the Bitbrains example; prints the median of several runs.")
public final class BenchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--runs", defaultValue = "3", description = "Runs of each benchmark; the median is reported (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--quick", description = "Shorter runs (core loop 4 s, host 5 simulated minutes, Bitbrains 10 minutes) for a smoke check.")
    boolean quick;

    @Option(names = "--large", description = "Also time a 1 TiB host of 128 VMs x 8 GiB over one simulated hour (5 minutes with --quick; needs about 4 GB of heap).")
    boolean large;

    @Option(names = "--threads", paramLabel = "N", description = "Threads one simulated host's VMs run on within a step (default: every processor; the results are the same).")
    Integer threads;

    @Option(names = "--example", paramLabel = "FILE", defaultValue = "examples/bitbrains-consolidation.yaml",
            description = "The Bitbrains example to time (default ${DEFAULT-VALUE}).")
    Path example;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (runs < 1) throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--runs: expected at least 1, got " + runs);
        if (threads != null && threads < 1) throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--threads: expected at least 1, got " + threads);
        out.printf(Locale.ROOT, "%-28s %14s %12s %16s%n", "benchmark", "page refs", "wall s (med)", "refs/s (med)");
        time("core loop (1 VM, 2 GiB)", () -> BenchScenarios.coreLoop(quick ? 4 : 8), out, err);
        time(quick ? "16 VMs x 2 GiB, 5 min" : "16 VMs x 2 GiB, 1 hour", () -> BenchScenarios.host16(quick ? 5 : 60), out, err);
        if (Files.isReadable(example)) {
            List<String> sets = quick ? List.of("duration=10m") : List.of();
            time("example 5 (Bitbrains, 24 VMs)" + (quick ? ", 10 min" : ""), () -> ScenarioLoader.load(example, sets), out, err);
        } else {
            err.println("bench: " + example + " not found (run from the project root or pass --example); example 5 not timed");
        }
        if (large) time(quick ? "128 VMs x 8 GiB, 5 min" : "128 VMs x 8 GiB, 1 hour", () -> BenchScenarios.host128(quick ? 5 : 60), out, err);
        out.printf(Locale.ROOT, "machine: %d processors, Java %s; %d simulation threads%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), threads != null ? threads : Simulation.defaultThreads());
        out.flush();
        return 0;
    }

    private void time(String name, Supplier<Scenario> scenario, PrintWriter out, PrintWriter err) {
        List<Double> secs = new ArrayList<>();
        long refs = 0;
        for (int i = 0; i < runs; i++) {
            Scenario sc = scenario.get();
            long t0 = System.nanoTime();
            SimResult r = new Simulation(sc, threads != null ? threads : Simulation.defaultThreads()).run(null);
            secs.add((System.nanoTime() - t0) / 1e9);
            refs = r.totalRefs;
            err.printf(Locale.ROOT, "bench: %s run %d: %.2f s%n", name, i + 1, secs.get(i));
            err.flush();
        }
        double[] s = secs.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(s);
        double med = s[s.length / 2];
        out.printf(Locale.ROOT, "%-28s %14d %12.2f %16.0f%n", name, refs, med, refs / med);
        out.flush();
    }
}
