package dev.memvisor.qemu.act;

import dev.memvisor.qemu.collect.MemoryPressure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A cgroup v2 directory for one VM's QEMU in the unified hierarchy, there only for the VM's memory
 * pressure (its {@code memory.pressure}), on a hybrid host whose memory controller is on v1: every v2
 * cgroup has PSI files, with or without controllers, and PSI counts a task's stalls in its v2 cgroup
 * (cgroup-v2.rst, "PSI - Pressure Stall Information"; Documentation/accounting/psi.rst). On a pure v2
 * host the VM's memory cgroup is its v2 cgroup and this is not needed.
 */
public final class PressureCgroup {
    private final Path dir;

    private PressureCgroup(Path dir) {
        this.dir = dir;
    }

    /**
     * Makes (or reuses) {@code unifiedRoot/memvisor/NAME}.
     *
     * @throws IllegalStateException naming the VM and the directory when it cannot be made
     */
    public static PressureCgroup create(Path unifiedRoot, String vmName) {
        Path d = unifiedRoot.resolve("memvisor").resolve(vmName);
        try {
            Files.createDirectories(d);
        } catch (IOException e) {
            throw new IllegalStateException("vm " + vmName + ": cannot make cgroup " + d + " (" + e.getMessage() + ")", e);
        }
        return new PressureCgroup(d);
    }

    /** The cgroup's directory. */
    public Path dir() { return dir; }

    /** Moves a process (all its threads) into this cgroup; with no controller on it, no charge moves. */
    public void add(long pid) {
        try {
            Files.writeString(dir.resolve("cgroup.procs"), Long.toString(pid));
        } catch (IOException e) {
            throw new UncheckedIOException("cgroup " + dir + ": cannot add pid " + pid + " (" + e.getMessage() + ")", e);
        }
    }

    /** Whether the process is in this cgroup. */
    public boolean contains(long pid) {
        try {
            return Files.readAllLines(dir.resolve("cgroup.procs")).contains(Long.toString(pid));
        } catch (IOException e) {
            return false;
        }
    }

    /** The memory pressure of the processes in it. */
    public MemoryPressure pressure() {
        return MemoryPressure.readCgroup(dir);
    }

    /** Removes the (empty) cgroup, and memvisor/ above it when that is empty too; returns whether this one is gone. */
    public boolean remove() {
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            return false;
        }
        try {
            Files.deleteIfExists(dir.getParent());
        } catch (IOException e) {
            // another VM's cgroup is still there
        }
        return true;
    }
}
