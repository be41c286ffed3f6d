package dev.memvisor.qemu.manager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A directory standing in for /proc in tests: meminfo, vmstat, and per QEMU process its cmdline (so
 * the manager finds it by its QMP socket), status, statm, stat, smaps (Referenced) and task/, each
 * file replaced atomically.
 */
public final class FakeProc {
    public static final long MIB = 1L << 20;
    public final Path root;

    public FakeProc(Path root) {
        this.root = root;
        write(root.resolve("vmstat"), "pswpin 0\npswpout 0\n");
        meminfo(1024 * MIB, 512 * MIB);
    }

    /** Writes meminfo with these MemTotal and MemAvailable. */
    public void meminfo(long totalBytes, long availableBytes) {
        write(root.resolve("meminfo"), "MemTotal: " + totalBytes / 1024 + " kB\nMemFree: " + availableBytes / 1024
                + " kB\nMemAvailable: " + availableBytes / 1024 + " kB\n");
    }

    /** Writes PID/statm with this resident size. */
    public void resident(long pid, long bytes) {
        write(root.resolve(pid + "/statm"), (bytes / 4096 + 1000) + " " + bytes / 4096 + " 500 600 0 9000 0\n");
    }

    /**
     * A QEMU process serving {@code qmpSocket}: its command line, an empty task list (no named vCPU
     * threads), its stat line, and resident memory and referenced bytes as given.
     */
    public void qemu(long pid, Path qmpSocket, long residentBytes, long referencedBytes) {
        write(root.resolve(pid + "/cmdline"), "qemu-system-x86_64\0-name\0fake\0-qmp\0unix:" + qmpSocket.toAbsolutePath() + ",server=on,wait=off\0");
        write(root.resolve(pid + "/stat"), pid + " (qemu-system-x86) S 1 1 1 0 -1 4194560 0 0 0 0 7 3 0 0 20 0 3 0 100 0 0\n");
        try {
            Files.createDirectories(root.resolve(pid + "/task"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        rss(pid, residentBytes);
        referenced(pid, referencedBytes);
    }

    /** Resident memory of a process, in status (VmRSS) and statm alike. */
    public void rss(long pid, long bytes) {
        write(root.resolve(pid + "/status"), "Name:\tqemu-system-x86\nVmRSS:\t" + bytes / 1024 + " kB\nVmSwap:\t0 kB\n");
        resident(pid, bytes);
    }

    /** smaps with one large mapping (the guest's RAM) whose Referenced is {@code bytes}; clear_refs is writable. */
    public void referenced(long pid, long bytes) {
        write(root.resolve(pid + "/smaps"), "7f0000000000-7f4000000000 rw-p 00000000 00:00 0\nSize:           " + (1L << 30) / 1024
                + " kB\nReferenced:     " + bytes / 1024 + " kB\n");
        write(root.resolve(pid + "/clear_refs"), "");
    }

    /** The process exits: its directory goes. */
    public void exit(long pid) {
        try (Stream<Path> s = Files.walk(root.resolve(Long.toString(pid)))) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The manager may read while the test writes: a reader sees the old file or the new one, never half of one. */
    private static void write(Path p, String text) {
        try {
            Files.createDirectories(p.getParent());
            Path tmp = Files.writeString(p.resolveSibling(p.getFileName() + ".tmp"), text, StandardCharsets.UTF_8);
            Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** HostPaths with /proc here and the /sys directories absent (no KSM, no cgroups, no DAMON). */
    public HostPaths paths() {
        return new HostPaths(root, root.resolve("no-ksm"), root.resolve("no-cgroup"), root.resolve("no-damon"));
    }

    /** HostPaths with /proc here and KSM's knobs in {@code ksmDir}. */
    public HostPaths paths(Path ksmDir) {
        return new HostPaths(root, ksmDir, root.resolve("no-cgroup"), root.resolve("no-damon"));
    }
}
