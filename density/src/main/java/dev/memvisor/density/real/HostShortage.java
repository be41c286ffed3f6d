package dev.memvisor.density.real;

import dev.memvisor.qemu.act.MemoryCgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * A real memory shortage: one memory cgroup ({@code memvisor/density-ID}) that every guest's QEMU
 * runs in from its first instruction, limited to the host's size for the experiment, with the
 * experiment's own swap file behind it. Beyond the limit the kernel reclaims the guests' memory
 * (swaps it), as it would for plain KVM on a host of that size (cgroup-v1/memory.rst, cgroup-v2.rst).
 * {@link #close()} removes both, killing by pid any process still in the cgroup (only the
 * experiment's QEMUs run there); it is safe to call twice and from a shutdown hook.
 */
public final class HostShortage implements AutoCloseable {
    private final MemoryCgroup cgroup;
    private final SwapFile swap;
    private final Consumer<String> log;
    private boolean closed;

    private HostShortage(MemoryCgroup cgroup, SwapFile swap, Consumer<String> log) {
        this.cgroup = cgroup;
        this.swap = swap;
        this.log = log;
    }

    /**
     * Makes the swap file {@code /var/tmp/memvisor-density-ID.swap} and the cgroup limited to {@code limitBytes}.
     *
     * @throws IllegalStateException naming what could not be made (whatever was made is removed)
     */
    public static HostShortage create(String id, long limitBytes, long swapBytes, Consumer<String> log) {
        SwapFile swap = SwapFile.create(swapPath(id), swapBytes);
        MemoryCgroup cg = null;
        try {
            cg = MemoryCgroup.detect(Path.of("/sys/fs/cgroup")).create(cgroupName(id));
            cg.setLimit(limitBytes);
        } catch (RuntimeException e) {
            if (cg != null) removeCgroup(cg);
            swap.remove();
            throw new IllegalStateException("cannot make the experiment's memory cgroup: " + e.getMessage(), e);
        }
        log.accept("host: cgroup " + cg.dir() + " limited to " + dev.memvisor.core.unit.Size.format(limitBytes) + ", swap file " + swap.file()
                + " (" + dev.memvisor.core.unit.Size.format(swapBytes) + ")");
        return new HostShortage(cg, swap, log);
    }

    /** The swap file a run with this id makes. */
    public static Path swapPath(String id) {
        return Path.of("/var/tmp", "memvisor-density-" + id + ".swap");
    }

    /** The cgroup name (under memvisor/) a run with this id makes. */
    public static String cgroupName(String id) {
        return "density-" + id;
    }

    /** The cgroup the guests run in. */
    public MemoryCgroup cgroup() { return cgroup; }

    /** The swap file. */
    public Path swapFile() { return swap.file(); }

    /** Swap the guests use now (the cgroup's). */
    public long swapBytes() {
        return cgroup.swapBytes();
    }

    /**
     * Processes the kernel's OOM killer killed in the cgroup so far: the {@code oom_kill} line of v1
     * memory.oom_control or v2 memory.events (cgroup-v1/memory.rst 10, cgroup-v2.rst "memory.events").
     */
    public long oomKills() {
        Path f = cgroup.dir().resolve(cgroup.version() == MemoryCgroup.Version.V2 ? "memory.events" : "memory.oom_control");
        try {
            for (String line : Files.readAllLines(f)) {
                if (line.startsWith("oom_kill ")) return Long.parseLong(line.substring(9).trim());
            }
        } catch (IOException | NumberFormatException e) {
            // an older kernel without the counter: deaths are still seen as QEMU gone
        }
        return 0;
    }

    /** Memory charged to the cgroup now. */
    public long usageBytes() {
        return cgroup.usageBytes();
    }

    /** Kills (by pid) what is left in the cgroup, removes it and the swap file; says what it removed. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        boolean cg = removeCgroup(cgroup);
        boolean sw = swap.remove();
        log.accept("host: " + (cg ? "removed cgroup " : "COULD NOT REMOVE cgroup ") + cgroup.dir() + "; "
                + (sw ? "removed swap file " : "COULD NOT REMOVE swap file ") + swap.file());
    }

    private static boolean removeCgroup(MemoryCgroup cg) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            for (long pid : pids(cg)) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            if (cg.remove() || !Files.exists(cg.dir())) break;
            if (System.nanoTime() > deadline) return false;
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        try {
            // memvisor/ goes too when nothing else lives there (rmdir refuses a cgroup with children)
            Files.deleteIfExists(cg.dir().getParent());
        } catch (IOException e) {
            // another user's cgroup is still in it
        }
        return true;
    }

    private static List<Long> pids(MemoryCgroup cg) {
        try {
            return Files.readAllLines(cg.dir().resolve("cgroup.procs")).stream().filter(l -> !l.isBlank()).map(Long::parseLong).toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
