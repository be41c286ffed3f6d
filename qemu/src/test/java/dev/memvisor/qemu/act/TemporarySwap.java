package dev.memvisor.qemu.act;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Host swap for a test: when the host has no active swap, a swap file made under /var/tmp with
 * fallocate, mkswap and swapon (util-linux), switched off and deleted again on close (and by a JVM
 * shutdown hook if the test JVM exits first). When swap is already active it is used as it is and
 * never touched. Needs root. Swap files: mkswap(8), swapon(8) ("files with holes" are refused, hence fallocate).
 */
public final class TemporarySwap implements AutoCloseable {
    private static final Path PROC_SWAPS = Path.of("/proc/swaps");

    private final Path file;
    private final Thread hook;

    private TemporarySwap(Path file) {
        this.file = file;
        this.hook = file == null ? null : new Thread(this::remove, "memvisor-test-swapoff");
        if (hook != null) Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Makes sure the host has swap: the active swap if any, else a new swap file of {@code bytes}.
     *
     * @throws IllegalStateException naming the command that failed (the half-made file is removed)
     */
    public static TemporarySwap ensure(long bytes) throws IOException, InterruptedException {
        if (activeSwaps().size() > 0) return new TemporarySwap(null);
        Path f = Path.of("/var/tmp", "memvisor-test-" + ProcessHandle.current().pid() + ".swap");
        try {
            Files.deleteIfExists(f);
            run("fallocate", "-l", Long.toString(bytes), f.toString());
            run("chmod", "600", f.toString());
            run("mkswap", f.toString());
            run("swapon", f.toString());
        } catch (IOException | RuntimeException e) {
            if (activeSwaps().contains(f.toString())) run("swapoff", f.toString());
            Files.deleteIfExists(f);
            throw e;
        }
        return new TemporarySwap(f);
    }

    /** The swap file this made, or null when the host's own swap is used. */
    public Path file() { return file; }

    /** Whether this made a swap file (false: the host's own swap is used). */
    public boolean created() { return file != null; }

    /** Switches off and deletes the swap file this made; the host's own swap is left alone. */
    @Override
    public void close() {
        if (file == null) return;
        remove();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down and runs the hook itself
        }
    }

    private synchronized void remove() {
        try {
            if (activeSwaps().contains(file.toString())) run("swapoff", file.toString());
            Files.deleteIfExists(file);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("cannot remove the test swap file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The paths in /proc/swaps (its first column), without the header line. */
    public static List<String> activeSwaps() throws IOException {
        List<String> lines = Files.readAllLines(PROC_SWAPS);
        return lines.stream().skip(1).map(l -> l.split("\\s+")[0]).toList();
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + ": no exit within 120 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        if (p.exitValue() != 0) throw new IllegalStateException(String.join(" ", cmd) + " exited with " + p.exitValue() + ": " + out);
    }
}
