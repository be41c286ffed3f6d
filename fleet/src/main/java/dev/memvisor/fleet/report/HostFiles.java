package dev.memvisor.fleet.report;

import dev.memvisor.fleet.run.HostOutcome;
import dev.memvisor.fleet.run.HostTask;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Each host simulation's files under {@code DIR/hosts/POLICY/N-hosts/}: its scenario
 * ({@code host-001.yaml}, which {@code memvisor simulate} runs alone) and its summary.json
 * ({@code host-001.summary.json}).
 */
public final class HostFiles {
    private final Path out;

    /** Files under {@code out}. */
    public HostFiles(Path out) {
        this.out = out;
    }

    /** The task name of host {@code index} (0-based) of {@code hosts} for {@code policy}: its path without the suffix. */
    public static String name(String policy, int hosts, int index) {
        return String.format(Locale.ROOT, "hosts/%s/%d-hosts/host-%03d", policy, hosts, index + 1);
    }

    /** Writes the task's scenario. */
    public void scenario(HostTask t) {
        write(out.resolve(t.name() + ".yaml"), t.yaml());
    }

    /** Writes the outcome's summary.json. */
    public void summary(HostOutcome o) {
        write(out.resolve(o.task().name() + ".summary.json"), o.summaryJson());
    }

    private static void write(Path p, String text) {
        try {
            Files.createDirectories(p.getParent());
            Files.writeString(p, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + p + ": " + e.getMessage(), e);
        }
    }
}
