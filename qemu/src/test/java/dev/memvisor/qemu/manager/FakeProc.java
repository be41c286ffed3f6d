package dev.memvisor.qemu.manager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** A directory standing in for /proc in tests: meminfo, vmstat and per-process statm, each replaced atomically. */
final class FakeProc {
    static final long MIB = 1L << 20;
    final Path root;

    FakeProc(Path root) {
        this.root = root;
        write(root.resolve("vmstat"), "pswpin 0\npswpout 0\n");
        meminfo(1024 * MIB, 512 * MIB);
    }

    /** Writes meminfo with these MemTotal and MemAvailable. */
    void meminfo(long totalBytes, long availableBytes) {
        write(root.resolve("meminfo"), "MemTotal: " + totalBytes / 1024 + " kB\nMemFree: " + availableBytes / 1024
                + " kB\nMemAvailable: " + availableBytes / 1024 + " kB\n");
    }

    /** Writes PID/statm with this resident size. */
    void resident(long pid, long bytes) {
        write(root.resolve(pid + "/statm"), (bytes / 4096 + 1000) + " " + bytes / 4096 + " 500 600 0 9000 0\n");
    }

    /** The loop may read while the test writes: a reader sees the old file or the new one, never half of one. */
    private static void write(Path p, String text) {
        try {
            Files.createDirectories(p.getParent());
            Path tmp = Files.writeString(p.resolveSibling(p.getFileName() + ".tmp"), text);
            Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** HostPaths with /proc here and the /sys directories absent (no KSM, no cgroups, no DAMON). */
    HostPaths paths() {
        return new HostPaths(root, root.resolve("no-ksm"), root.resolve("no-cgroup"), root.resolve("no-damon"));
    }
}
