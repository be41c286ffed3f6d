package dev.memvisor.cli.sim;

import dev.memvisor.sim.engine.Simulation;
import dev.memvisor.sim.report.Reports;
import dev.memvisor.sim.report.SimResult;
import dev.memvisor.core.counter.Counter;
import dev.memvisor.sim.scenario.Examples;
import dev.memvisor.sim.scenario.Scenario;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The simulator part of {@code memvisor demo}: short runs of the packaged examples, a compact table
 * of what each shows, and every run's report under {@code ./memvisor-demo/}. Nothing interactive.
 */
public final class SimulatorDemo {
    private final Path dir;
    private final Path examplesDir;

    /**
     * A demo writing to {@code ./memvisor-demo/}, reading the project's {@code examples}
     * (the launcher passes the project root as {@code memvisor.home}, so the demo runs from any directory).
     */
    public SimulatorDemo() {
        this(Path.of("memvisor-demo"), Path.of(System.getProperty("memvisor.home", ".")).resolve("examples"));
    }

    /** A demo writing to {@code dir}; relative data paths of examples resolve against {@code examplesDir}. */
    public SimulatorDemo(Path dir, Path examplesDir) {
        this.dir = dir;
        this.examplesDir = examplesDir.toAbsolutePath().normalize();
    }

    /** Runs the demo, writing to {@code out}; returns the exit status. */
    public int run(PrintWriter out, PrintWriter err) {
        long t0 = System.nanoTime();
        out.println("memvisor demo: a page-level simulation of ESX-style memory management on one host, per example");
        out.printf(Locale.ROOT, "%-24s %s%n", "example", "what the simulation shows");
        out.flush();

        SimResult sharing = run("sharing-idle-vs-active", err, "duration=4m",
                "vms[0].workload.phases[0].duration=2m", "vms[0].workload.phases[1].duration=2m");
        List<Double> saved = sharing.series(Counter.HOST_PSHARE_SAVING);
        double guest = sharing.vms.stream().mapToDouble(v -> v.configuredBytes / 1048576.0).sum();
        double idle = saved.subList(0, sharing.times.indexOf(120.0) + 1).stream().mapToDouble(Double::doubleValue).max().orElse(0);
        row(out, "sharing-idle-vs-active", String.format(Locale.ROOT, "sharing saves %.0f%% of guest memory while idle, %.0f%% once the guests write",
                100 * idle / guest, 100 * saved.get(saved.size() - 1) / guest));

        SimResult noTax = run("idle-memory-tax", err, "policy.idleTax=0");
        SimResult tax = run("idle-memory-tax", err);
        row(out, "idle-memory-tax", String.format(Locale.ROOT,
                "busy VM granted %.0f MB (tau 0) -> %.0f MB (tau 0.75); its slowdown %.2f -> %.2f",
                noTax.vm("busy").mean(Counter.GRANT), tax.vm("busy").mean(Counter.GRANT), noTax.vm("busy").slowdown, tax.vm("busy").slowdown));

        SimResult oc = run("overcommit-case-study", err);
        double mean = oc.vms.stream().filter(v -> v.name.startsWith("bench")).mapToDouble(v -> v.slowdown).average().orElse(1);
        double swapped = oc.vms.stream().mapToDouble(v -> v.max(Counter.SWCUR)).sum();
        row(out, "overcommit-case-study", String.format(Locale.ROOT,
                "benchmark %.1fx slower than standalone (worst %.1fx), %.0f MB swapped; reserved VM %.2fx",
                mean, oc.vms.stream().mapToDouble(v -> v.slowdown).max().orElse(1), swapped, oc.vm("reserved").slowdown));

        SimResult dp = run("double-paging", err, "duration=4m");
        row(out, "double-paging", String.format(Locale.ROOT, "no balloon: host swapped %.0f MB, guests swapped %d pages, %d double-paged",
                dp.vms.stream().mapToDouble(v -> v.max(Counter.SWCUR)).sum(),
                dp.vms.stream().mapToLong(v -> v.guestSwapOuts).sum(), dp.vms.stream().mapToLong(v -> v.doublePagedPages).sum()));

        SimResult bb = run("bitbrains-consolidation", err, "duration=60m");
        row(out, "bitbrains-consolidation", String.format(Locale.ROOT,
                "24 real VMs (%.0f GB configured) on %.0f GB: peak in use %.2fx the host, balloons %.0f MB, sharing saves %.0f MB",
                bb.vms.stream().mapToDouble(v -> v.configuredBytes).sum() / 1073741824.0, bb.machineBytes / 1073741824.0,
                bb.peakOvercommit, bb.vms.stream().mapToDouble(v -> v.max(Counter.MCTLSZ)).sum(),
                bb.series(Counter.HOST_PSHARE_SAVING).get(bb.times.size() - 1)));

        SimResult cpu = run("cpu-contention", err, "duration=3m");
        SimResult.VmRecord v = cpu.vms.get(0);
        int total = v.processes.indexOf("_Total");
        row(out, "cpu-contention", String.format(Locale.ROOT,
                "16 vCPUs on 4 cores: %s really got %.0f%% CPU, its guest reports %.0f%%, the host measures %.0f%% (ready %.0f%%)",
                v.name, avg(v.trueCpu.get(total)), avg(v.reportedCpu.get(total)), avg(v.hostCpu), v.mean(Counter.RDY)));

        writeIndex();
        out.printf(Locale.ROOT, "reports: %s (one folder per example, each with report.html), %.1f s%n",
                dir.resolve("index.html").toAbsolutePath().normalize(), (System.nanoTime() - t0) / 1e9);
        out.flush();
        return 0;
    }

    private SimResult run(String example, PrintWriter err, String... sets) {
        err.println("demo: running " + example + (sets.length > 0 ? " " + String.join(" ", sets) : "") + " ...");
        err.flush();
        Scenario sc = Examples.load(example, examplesDir, List.of(sets));
        SimResult r = new Simulation(sc).run(null);
        String sub = example + (sets.length > 0 && example.equals("idle-memory-tax") ? "-tau0" : "");
        try {
            Reports.writeAll(r, dir.resolve(sub));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo reports under " + dir.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        return r;
    }

    private void writeIndex() {
        StringBuilder b = new StringBuilder("<!DOCTYPE html><html><head><meta charset='utf-8'><title>memvisor demo</title></head>"
                + "<body style='font-family:sans-serif'><h1>memvisor demo</h1><ul>");
        try (var list = Files.list(dir)) {
            list.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted()
                    .forEach(n -> b.append("<li><a href='").append(n).append("/report.html'>").append(n).append("</a></li>"));
            Files.writeString(dir.resolve("index.html"), b.append("</ul></body></html>\n"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve("index.html") + ": " + e.getMessage(), e);
        }
    }

    private static void row(PrintWriter out, String name, String text) {
        out.printf(Locale.ROOT, "%-24s %s%n", name, text);
        out.flush();
    }

    private static double avg(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }
}
