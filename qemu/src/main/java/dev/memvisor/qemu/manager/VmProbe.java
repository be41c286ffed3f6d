package dev.memvisor.qemu.manager;

import dev.memvisor.core.model.VmSettings;
import dev.memvisor.core.unit.Size;
import dev.memvisor.qemu.act.MemoryCgroup;
import dev.memvisor.qemu.collect.ActiveMemoryWindow;
import dev.memvisor.qemu.collect.QemuProcessStats;
import dev.memvisor.qemu.launch.QemuProcessFinder;
import dev.memvisor.qemu.qmp.GuestStats;
import dev.memvisor.qemu.qmp.QmpClient;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Observes one VM: connects to its QMP socket when not connected (greeting, balloon device, statistics
 * polling, its QEMU pid and memory cgroup), then asks QEMU for the balloon and the guest's statistics
 * and reads its QEMU process from /proc. Every QMP exchange has the manager's QMP timeout, so a QEMU
 * that is stopped or hung costs its own VM that long and no more; {@link QemuHost} runs one probe per
 * VM at a time, all VMs at once.
 */
final class VmProbe {
    private final HostConfig config;
    private final HostPaths paths;
    private final ActiveMemoryWindow activeMemory;
    private final CgroupPlacement cgroups;
    private final Consumer<String> events;

    /** A probe that makes cgroups through {@code cgroups} (null when the manager makes none). */
    VmProbe(HostConfig config, HostPaths paths, ActiveMemoryWindow activeMemory, CgroupPlacement cgroups, Consumer<String> events) {
        this.config = config;
        this.paths = paths;
        this.activeMemory = activeMemory;
        this.cgroups = cgroups;
        this.events = events;
    }

    /**
     * Connects if needed and observes the VM.
     *
     * @param reconnected called when this probe made a new connection (what QEMU was told before is unknown)
     * @throws RuntimeException naming the VM's socket when QEMU cannot be reached or answers wrongly
     */
    VmSample observe(ManagedVm vm, long nowMillis, Runnable reconnected) {
        if (!vm.connected()) {
            connect(vm);
            reconnected.run();
        }
        QmpClient c = vm.client;
        VmSettings s = vm.settings;
        long configured = s.configuredBytes();
        long actual = c.queryBalloon().actualBytes();
        GuestStats g = c.guestStats(vm.balloonPath);
        long pid = vm.pid;
        QemuProcessStats p = pid > 0 ? QemuProcessStats.read(paths.procRoot(), pid) : null;
        long active = p == null ? -1 : activeMemory.activeBytes(vm.name(), pid, configured, nowMillis);
        return VmSample.of(s, actual, p, active, g.reported() ? g.freeBytes() : -1, g.reported() ? g.totalBytes() : -1,
                g.reported() ? g.availableBytes() : -1);
    }

    private void connect(ManagedVm vm) {
        vm.disconnect();
        Duration timeout = config.qmpTimeout();
        QmpClient c = QmpClient.connect(vm.config.qmpSocket(), timeout);
        try {
            c.commandTimeout(timeout);
            String balloon = c.findBalloonPath();
            c.setGuestStatsPollingInterval(balloon, (int) Math.max(1, config.interval().toSeconds()));
            long configured = vm.config.memoryBytes() > 0 ? vm.config.memoryBytes()
                    : c.execute("query-memory-size-summary", null).path("base-memory").asLong();
            VmSettings s = vm.config.settings(configured);
            long pid = QemuProcessFinder.pidForSocket(paths.procRoot(), vm.config.qmpSocket()).orElse(-1);
            if (pid != vm.pid) activeMemory.forget(vm.name());
            vm.pid = pid;
            vm.cgroup = cgroups == null ? null : cgroups.place(vm.name(), pid);
            vm.settings = s;
            vm.balloonPath = balloon;
            vm.client = c;
            events.accept("vm " + vm.name() + ": connected to " + vm.config.qmpSocket() + " (QEMU " + c.qemuVersion()
                    + ", pid " + pid + ", " + Size.format(configured) + ", reservation " + Size.format(s.reservationBytes()) + ")");
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Puts a VM's QEMU into its memory cgroup; returns null (and says why) when it cannot. */
    interface CgroupPlacement {
        /** The VM's cgroup with its QEMU in it, or null when the VM is managed without one. */
        MemoryCgroup place(String vm, long pid);
    }
}
