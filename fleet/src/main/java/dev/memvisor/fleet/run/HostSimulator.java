package dev.memvisor.fleet.run;

import dev.memvisor.fleet.scenario.HostScenarioYaml;
import dev.memvisor.sim.engine.Simulation;
import dev.memvisor.sim.report.SimResult;
import dev.memvisor.sim.report.SummaryWriter;
import dev.memvisor.sim.scenario.Scenario;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs one host simulation: the same loader, engine and summary writer as {@code memvisor simulate}. */
public final class HostSimulator {
    /** How a task that ran out of heap says so (the driver recognises it and gives advice). */
    static final String OUT_OF_HEAP = "the host simulation ran out of Java heap";

    private HostSimulator() {}

    /** Simulates the task's host (this runs on a Spark executor). */
    public static HostOutcome run(HostTask task) {
        long started = System.nanoTime();
        Scenario sc = HostScenarioYaml.parse(task.yaml(), task.name(), Path.of(task.baseDir()));
        SimResult r;
        try {
            // Spark already runs a task per core: one thread per host, unless -Dmemvisor.simThreads says otherwise
            r = new Simulation(sc, Integer.getInteger("memvisor.simThreads", 1)).run(null);
        } catch (OutOfMemoryError e) {
            // the page arrays are the bulk and unreachable once this unwinds; fail this task, not the executor JVM
            throw new IllegalStateException(task.name() + ": " + OUT_OF_HEAP + " (" + Runtime.getRuntime().maxMemory() / 1_000_000_000
                    + " GB of heap in this JVM, shared by every host simulation running at once)");
        }
        return new HostOutcome(task, summary(r), (System.nanoTime() - started) / 1_000_000);
    }

    /** summary.json through the simulator's own writer, so the bytes are those {@code simulate} writes. */
    private static String summary(SimResult r) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("memvisor-fleet-");
            SummaryWriter.write(r, dir);
            return Files.readString(dir.resolve("summary.json"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (dir != null) {
                try {
                    Files.deleteIfExists(dir.resolve("summary.json"));
                    Files.deleteIfExists(dir);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless; the result is already read
                }
            }
        }
    }
}
