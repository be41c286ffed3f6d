package dev.memvisor.qemu.manager;

import dev.memvisor.core.model.VmSettings;
import dev.memvisor.qemu.act.CgroupSetting;
import dev.memvisor.qemu.act.MemoryCgroup;
import dev.memvisor.qemu.collect.ResidentMemory;
import dev.memvisor.qemu.launch.QemuProcessFinder;
import dev.memvisor.qemu.qmp.QmpClient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The manager's state for one configured VM: its QMP connection, QEMU process and memory cgroup, and
 * (as every {@link TrackedVm}) what it was last seen holding and what QEMU was last told. Connection
 * fields are written by the VM's probe thread ({@link VmProbe}) and read by the deciding thread, hence volatile.
 */
final class ManagedVm extends TrackedVm {
    final VmConfig config;
    volatile QmpClient client;
    volatile String balloonPath;
    volatile long pid = -1;
    /** Known once connected (the configured size may come from QEMU). */
    volatile VmSettings settings;
    volatile MemoryCgroup cgroup;
    /** The cgroup v2 directory whose memory.pressure is this VM's alone, or null when there is none (pressure unknown). */
    volatile Path pressureDir;
    /** Whether the last reclaim action let the VM's pages be compressed (zswap). */
    volatile boolean compressionAllowed;
    /** What the VM's memory.zswap.max was set to (v2), or -1 when not set since connecting. */
    volatile long lastZswapMaxBytes = -1;
    /** What the VM's cgroup carries, or null when unknown (not yet set since connecting, or a write failed). */
    volatile CgroupSetting lastCgroup;
    /** The cgroup directories this manager made for the VM's QEMU (its memory group, and its pressure group on a hybrid host). */
    volatile List<Path> madeGroups = List.of();

    ManagedVm(VmConfig config) {
        this.config = config;
    }

    @Override
    public String name() { return config.name(); }

    /**
     * What the VM costs now by its QEMU's /proc/PID/statm (no QMP), as a full observation would count
     * it with the balloon and KSM figures it last saw: 0 when no QEMU serves its socket any more. A VM
     * alive but unreachable (stopped, hung) thus keeps counting until its process is gone.
     */
    long costNow(Path procRoot) {
        return costNow(procRoot, true);
    }

    /**
     * As {@link #costNow(Path)}; without {@code search} a VM whose QEMU process is not known yet costs
     * 0 instead of a scan of every process's command line (the checks between intervals run every
     * 250 ms; the observations search, and then the checks know the pid).
     */
    long costNow(Path procRoot, boolean search) {
        long p = pid;
        if (p <= 0) {
            // a QEMU whose process is not visible here (another pid namespace): its balloon figure is all there is
            if (observed) return lastKnownBytes();
            // no socket, no QEMU: skip the scan of every process's command line
            if (!search || !java.nio.file.Files.exists(config.qmpSocket())) return 0;
            p = QemuProcessFinder.pidForSocket(procRoot, config.qmpSocket()).orElse(-1);
            if (p <= 0) return 0;
            pid = p;
        }
        long rss = ResidentMemory.bytes(procRoot, p);
        if (rss < 0) {
            // gone, or restarted under another pid that serves the same socket
            if (!search || !java.nio.file.Files.exists(config.qmpSocket())) return 0;
            long again = QemuProcessFinder.pidForSocket(procRoot, config.qmpSocket()).orElse(-1);
            if (again <= 0 || again == p) return 0;
            pid = again;
            rss = ResidentMemory.bytes(procRoot, again);
            if (rss < 0) return 0;
        }
        VmSettings s = settings;
        return costFromResident(rss, s != null ? s.configuredBytes() : config.memoryBytes());
    }

    boolean connected() {
        QmpClient c = client;
        return c != null && c.isOpen();
    }

    /** Drops the connection and what QEMU was told through it; the VM's last known memory stays (it may still hold it). */
    void disconnect() {
        QmpClient c = client;
        if (c != null) c.close();
        client = null;
        forgetBalloon();
        lastCgroup = null;
        lastZswapMaxBytes = -1;
    }

    /** The memory QEMU's balloon works within: the boot memory with a virtio-mem device, else the configured memory. */
    long balloonBaseBytes() {
        return balloonBaseBytes(settings.configuredBytes());
    }

    /**
     * Removes the cgroups this manager made for the VM once its QEMU has exited, and returns the ones removed. The
     * guest outlives a manager that stops, so its groups stay while it runs; once it is gone nothing else would remove
     * them. rmdir is the kernel's own check: it fails while a process is still in the group (EBUSY), so a QEMU that
     * was restarted into the group keeps it (cgroup-v2.rst, "Creating and removing cgroups"; cgroup-v1/cgroups.rst).
     */
    List<Path> removeGroupsIfExited(Path procRoot) {
        long p = pid;
        List<Path> made = madeGroups;
        if (p <= 0 || made.isEmpty() || Files.exists(procRoot.resolve(Long.toString(p)))) return List.of();
        List<Path> removed = new ArrayList<>();
        List<Path> left = new ArrayList<>();
        for (Path d : made) {
            try {
                Files.deleteIfExists(d);
                removed.add(d);
            } catch (IOException e) {
                left.add(d);
            }
        }
        madeGroups = List.copyOf(left);
        if (left.isEmpty()) {
            cgroup = null;
            pressureDir = null;
        }
        return removed;
    }
}
