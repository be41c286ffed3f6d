package dev.memvisor.qemu.act;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Sets KSM's knobs: run, pages_to_scan and sleep_millisecs, and puts back what it found when the
 * manager is done (a host's KSM settings belong to its administrator, or to ksmtuned).
 * Source: Documentation/admin-guide/mm/ksm.rst.
 */
public final class KsmControl {
    /**
     * KSM's knobs as found.
     *
     * @param run          0 stopped, 1 merging, 2 unmerging
     * @param pagesToScan  pages per wake-up
     * @param sleepMillis  sleep between wake-ups
     */
    public record Settings(long run, long pagesToScan, long sleepMillis) {}

    private final Path dir;

    /** Controls the KSM directory {@code dir} (normally /sys/kernel/mm/ksm). */
    public KsmControl(Path dir) {
        this.dir = dir;
    }

    /**
     * Applies a scan rate in pages per second: 0 stops KSM (run=0, merged pages stay merged);
     * otherwise run=1, waking every {@code sleepMillis} to scan rate*sleep/1000 pages.
     *
     * @throws UncheckedIOException naming the file that could not be written
     */
    public void apply(long pagesPerSecond, long sleepMillis) {
        if (pagesPerSecond <= 0) {
            write("run", 0);
            return;
        }
        write("sleep_millisecs", sleepMillis);
        write("pages_to_scan", Math.max(1, pagesPerSecond * sleepMillis / 1000));
        write("run", 1);
    }

    /** The knobs as they are now. */
    public Settings read() {
        return new Settings(readKnob("run"), readKnob("pages_to_scan"), readKnob("sleep_millisecs"));
    }

    /**
     * Puts saved knobs back; {@code run} last, so a KSM that was stopped never runs with our rate.
     *
     * @throws UncheckedIOException naming the file that could not be written
     */
    public void restore(Settings s) {
        write("pages_to_scan", s.pagesToScan());
        write("sleep_millisecs", s.sleepMillis());
        write("run", s.run());
    }

    private long readKnob(String knob) {
        Path p = dir.resolve(knob);
        try {
            return Long.parseLong(Files.readString(p).trim());
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("KSM: cannot read " + p + " (" + e.getMessage() + ")", e);
        }
    }

    private void write(String knob, long value) {
        Path p = dir.resolve(knob);
        try {
            if (Files.readString(p).trim().equals(Long.toString(value))) return;
            Files.writeString(p, Long.toString(value));
        } catch (IOException e) {
            throw new UncheckedIOException("KSM: cannot write " + value + " to " + p + " (" + e.getMessage() + "; root needed)", e);
        }
    }
}
