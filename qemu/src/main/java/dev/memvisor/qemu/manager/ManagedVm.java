package dev.memvisor.qemu.manager;

import dev.memvisor.core.model.VmSettings;
import dev.memvisor.qemu.act.CgroupSetting;
import dev.memvisor.qemu.act.MemoryCgroup;
import dev.memvisor.qemu.qmp.QmpClient;

/** The manager's mutable state for one configured VM: its connection, pid, cgroup and last actions. */
final class ManagedVm {
    final VmConfig config;
    QmpClient client;
    String balloonPath;
    long pid = -1;
    VmSettings settings;
    MemoryCgroup cgroup;
    long lastBalloonSent = -1;
    CgroupSetting lastCgroup;
    String lastCgroupError;
    String lastError;
    String lastClampNote;
    /** Whether the last collection observed the VM (it is then part of the host's used memory). */
    boolean observed;
    /** query-balloon's actual at the last collection: the most the guest may hold until the next one. */
    long lastActualBytes;
    /** KSM's profit for the QEMU process at the last collection, subtracted from its resident memory. */
    long lastKsmProfitBytes;

    ManagedVm(VmConfig config) {
        this.config = config;
    }

    String name() { return config.name(); }

    /**
     * What a VM costs the host from its QEMU's resident memory: less what KSM merged away, and at most
     * what its guest may hold (QEMU's own memory is the policy's per-VM overhead). A collection and a
     * state check both count a VM this way, so they agree on free memory.
     */
    static long consumedBytes(long actualBytes, long rssBytes, long ksmProfitBytes) {
        return Math.min(actualBytes, Math.max(0, rssBytes - ksmProfitBytes));
    }

    boolean connected() { return client != null && client.isOpen(); }

    void disconnect() {
        if (client != null) client.close();
        client = null;
        lastBalloonSent = -1;
        lastCgroup = null;
        observed = false;
    }
}
