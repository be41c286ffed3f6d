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
    String lastError;
    String lastClampNote;

    ManagedVm(VmConfig config) {
        this.config = config;
    }

    String name() { return config.name(); }

    boolean connected() { return client != null && client.isOpen(); }

    void disconnect() {
        if (client != null) client.close();
        client = null;
        lastBalloonSent = -1;
        lastCgroup = null;
    }
}
