package dev.memvisor.qemu.manager;

import dev.memvisor.core.model.VmSettings;
import dev.memvisor.qemu.act.CgroupSetting;
import dev.memvisor.qemu.act.MemoryCgroup;
import dev.memvisor.qemu.collect.ResidentMemory;
import dev.memvisor.qemu.launch.QemuProcessFinder;
import dev.memvisor.qemu.qmp.QmpClient;

import java.nio.file.Path;
import java.util.concurrent.Future;

/**
 * The manager's state for one configured VM: its QMP connection, QEMU process and memory cgroup,
 * what it was last seen holding, and what QEMU was last told. Connection fields are written by the
 * VM's probe thread ({@link VmProbe}) and read by the deciding thread, hence volatile.
 */
final class ManagedVm {
    final VmConfig config;
    volatile QmpClient client;
    volatile String balloonPath;
    volatile long pid = -1;
    /** Known once connected (the configured size may come from QEMU). */
    volatile VmSettings settings;
    volatile MemoryCgroup cgroup;
    /** Whether the last observation saw the VM (it is then in the view and its memory counts as used). */
    volatile boolean observed;
    /** query-balloon's actual at the last observation that reached the VM: the most the guest may hold; -1 before any. */
    volatile long lastActualBytes = -1;
    /** KSM's profit for the QEMU process at the last observation, subtracted from its resident memory. */
    volatile long lastKsmProfitBytes;
    /** What the VM consumed at the last observation. */
    volatile long lastConsumedBytes;
    /** The value of the last QMP balloon command QEMU accepted, or -1 (none since connecting). */
    volatile long lastGuestBytesSent = -1;
    /** What the VM's cgroup carries, or null when unknown (not yet set since connecting, or a write failed). */
    volatile CgroupSetting lastCgroup;
    /** The observation of this VM still running, if any (deciding thread only). */
    Future<VmSample> probe;
    /** The last failure reported for this VM, so the same one is reported once (deciding thread only). */
    String lastError;

    ManagedVm(VmConfig config) {
        this.config = config;
    }

    String name() { return config.name(); }

    /**
     * What a VM costs the host from its QEMU's resident memory: less what KSM merged away, and at most
     * what its guest may hold (QEMU's own memory is the policy's per-VM overhead). A full observation,
     * the check between intervals and the count of an unreachable VM all use it, so they agree.
     */
    static long consumedBytes(long actualBytes, long rssBytes, long ksmProfitBytes) {
        return Math.min(actualBytes, Math.max(0, rssBytes - ksmProfitBytes));
    }

    /**
     * Between intervals, what the VM counts at least while a balloon inflation is on its way: what it
     * consumed at the last interval (or when the inflation was ordered, if later); -1: no floor.
     */
    volatile long inflationFloorBytes = -1;

    /**
     * What the VM costs between intervals, given what it costs now: at least its inflation floor. The
     * memory a plan's balloons reclaim counts as free from the next interval on, not while they move:
     * decisions between intervals react to the host (a VM growing, a budget lowered), not to the last
     * plan's own effect, which would otherwise flip the host to high halfway through the inflation and
     * have the policy give the memory back before the balloon got there (a steady ramp then swings
     * between inflating and deflating every few hundred milliseconds).
     */
    long betweenIntervals(long costNow) {
        long floor = inflationFloorBytes;
        return floor >= 0 ? Math.max(costNow, floor) : costNow;
    }

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
            if (observed) return Math.max(0, lastActualBytes);
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
        long cap = lastActualBytes >= 0 ? lastActualBytes : s != null ? s.configuredBytes() : config.memoryBytes() > 0 ? config.memoryBytes() : rss;
        return consumedBytes(cap, rss, lastKsmProfitBytes);
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
        lastGuestBytesSent = -1;
        lastCgroup = null;
    }
}
