package dev.memvisor.density.real;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The experiment's host swap: a file made with fallocate (swapon refuses files with holes), mkswap
 * and swapon (util-linux; mkswap(8), swapon(8)), switched off and deleted by {@link #remove()}.
 * Made even when the host has swap already, so the experiment never depends on what it finds.
 */
final class SwapFile {
    private final Path file;

    private SwapFile(Path file) {
        this.file = file;
    }

    /** Makes and switches on a swap file of {@code bytes} at {@code file}; a half-made one is removed before the error is thrown. */
    static SwapFile create(Path file, long bytes) {
        SwapFile s = new SwapFile(file);
        try {
            Files.deleteIfExists(file);
            run("fallocate", "-l", Long.toString(bytes), file.toString());
            run("chmod", "600", file.toString());
            run("mkswap", file.toString());
            run("swapon", file.toString());
            return s;
        } catch (IOException | RuntimeException e) {
            s.remove();
            throw new IllegalStateException("cannot make the host swap file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The file. */
    Path file() { return file; }

    /** Switches it off (if on) and deletes it; returns whether it is gone. */
    boolean remove() {
        try {
            if (active().contains(file.toString())) run("swapoff", file.toString());
            Files.deleteIfExists(file);
            return !Files.exists(file);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The swap areas in use: the first column of /proc/swaps, without its header. */
    static List<String> active() throws IOException {
        return Files.readAllLines(Path.of("/proc/swaps")).stream().skip(1).map(l -> l.split("\\s+")[0]).toList();
    }

    private static void run(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            // swapoff of a full file reads it back in: allow it time
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + ": no exit within 300 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(String.join(" ", cmd) + ": interrupted");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.exitValue() != 0) throw new IllegalStateException(String.join(" ", cmd) + " exited with " + p.exitValue() + ": " + out);
    }
}
