package dev.memvisor.qemu.manager;

import dev.memvisor.core.model.HotplugMemory;
import dev.memvisor.core.model.VmSettings;
import dev.memvisor.core.model.VmView;
import dev.memvisor.core.unit.Size;
import dev.memvisor.qemu.act.MemoryCgroup;
import dev.memvisor.qemu.act.VirtioMemPlug;
import dev.memvisor.qemu.collect.ActiveMemoryWindow;
import dev.memvisor.qemu.collect.CompressedSwap;
import dev.memvisor.qemu.collect.MemoryPressure;
import dev.memvisor.qemu.collect.ProcessCgroup;
import dev.memvisor.qemu.collect.QemuProcessStats;
import dev.memvisor.qemu.launch.QemuProcessFinder;
import dev.memvisor.qemu.qmp.GuestStats;
import dev.memvisor.qemu.qmp.QmpClient;
import dev.memvisor.qemu.qmp.QmpErrorReply;
import dev.memvisor.qemu.qmp.VirtioMemInfo;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Observes one VM: connects to its QMP socket when not connected (greeting, balloon device, statistics
 * polling, virtio-mem device, its QEMU pid, memory cgroup and the cgroup its memory pressure comes from),
 * then asks QEMU for the balloon, the guest's statistics and what the virtio-mem device has plugged, and
 * reads its QEMU process from /proc and its cgroup (memory.pressure, and on v2 zswap's figures). Every QMP exchange has the manager's QMP timeout, so a QEMU
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
        HotplugMemory hot = null;
        VirtioMemPlug plug = vm.plug;
        if (plug != null) {
            VirtioMemInfo d = device(c, plug);
            plug.observed(d.sizeBytes(), System.currentTimeMillis() * 1000);
            hot = new HotplugMemory(vm.bootBytes, d.blockBytes(), d.maxSizeBytes(), d.sizeBytes(), d.requestedBytes());
        }
        long pid = vm.pid;
        QemuProcessStats p = pid > 0 ? QemuProcessStats.read(paths.procRoot(), pid) : null;
        long active = p == null ? -1 : activeMemory.activeBytes(vm.name(), pid, configured, nowMillis);
        VmSample sample = VmSample.of(s, actual, p, active, g.reported() ? g.freeBytes() : -1, g.reported() ? g.totalBytes() : -1,
                g.reported() ? g.availableBytes() : -1, hot, stallMicros(vm));
        CompressedSwap zip = compressed(vm);
        if (zip != null) {
            // zswap keeps its pages in swap slots, so VmSwap counts them: what is compressed is not SWCUR
            VmView v = sample.view();
            sample = sample.withCompression(new VmView(s, v.grantedBytes(), v.consumedBytes(), v.balloonBytes(),
                    Math.max(0, v.swappedBytes() - zip.storedBytes()), zip.storedBytes(), v.activeBytes(), v.guestFreeBytes(),
                    v.guestUsedBytes(), hot, v.memoryStallMicros()), zip.poolBytes(), zip.source());
        }
        return sample;
    }

    /** The VM's virtio-mem device as QEMU describes it now (the one the manager drives: by id, else the first). */
    private static VirtioMemInfo device(QmpClient c, VirtioMemPlug plug) {
        List<VirtioMemInfo> all = c.queryVirtioMem();
        if (all.isEmpty()) throw new IllegalStateException("QMP " + c.socket() + ": the virtio-mem device went away");
        for (VirtioMemInfo d : all) if (d.id() != null && plug.path().endsWith("/" + d.id())) return d;
        return all.get(0);
    }

    /** The VM's memory stall total (PSI some of its own v2 cgroup), or UNKNOWN without one; a read that fails is UNKNOWN this time. */
    private static long stallMicros(ManagedVm vm) {
        java.nio.file.Path dir = vm.pressureDir;
        if (dir == null) return VmView.UNKNOWN;
        try {
            return MemoryPressure.readCgroup(dir).someTotalMicros();
        } catch (RuntimeException e) {
            return VmView.UNKNOWN;
        }
    }

    /** The VM's compressed memory, exact from its cgroup v2 memory.stat; null where the cgroup does not account it (the host estimates). */
    private static CompressedSwap compressed(ManagedVm vm) {
        MemoryCgroup cg = vm.cgroup;
        if (cg == null || !cg.zswapAccounted()) return null;
        try {
            return CompressedSwap.ofCgroup(cg.stat());
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void connect(ManagedVm vm) {
        vm.disconnect();
        Duration timeout = config.qmpTimeout();
        QmpClient c = QmpClient.connect(vm.config.qmpSocket(), timeout);
        try {
            c.commandTimeout(timeout);
            String balloon = c.findBalloonPath();
            c.setGuestStatsPollingInterval(balloon, (int) Math.max(1, config.interval().toSeconds()));
            long base = c.baseMemoryBytes();
            // a VM with a virtio-mem device can have its boot memory and the device's whole region (the first device is driven)
            List<VirtioMemInfo> devices;
            try {
                devices = c.queryVirtioMem();
            } catch (QmpErrorReply e) {
                devices = List.of(); // a QEMU without memory devices' QMP (before 2.1): no device
            }
            VirtioMemInfo dev = devices.isEmpty() ? null : devices.get(0);
            long configured = vm.config.memoryBytes() > 0 ? vm.config.memoryBytes() : base + (dev == null ? 0 : dev.maxSizeBytes());
            VmSettings s = vm.config.settings(configured);
            VirtioMemPlug plug = null;
            if (dev != null) {
                plug = new VirtioMemPlug(dev.id(), c.virtioMemPath(dev), dev.sizeBytes());
                c.addEventListener(plug::onEvent);
            }
            long pid = QemuProcessFinder.pidForSocket(paths.procRoot(), vm.config.qmpSocket()).orElse(-1);
            if (pid != vm.pid) activeMemory.forget(vm.name());
            vm.pid = pid;
            CgroupPlacement.Placed placed = cgroups == null ? null : cgroups.place(vm.name(), pid);
            vm.cgroup = placed == null ? null : placed.memory();
            vm.madeGroups = placed == null ? List.of() : placed.dirs();
            vm.pressureDir = placed != null && placed.pressureDir() != null ? placed.pressureDir()
                    : ProcessCgroup.ownV2Cgroup(paths.procRoot(), MemoryCgroup.unifiedRoot(paths.cgroupRoot()), pid);
            vm.settings = s;
            vm.balloonPath = balloon;
            vm.bootBytes = base;
            vm.plug = plug;
            vm.client = c;
            events.accept("vm " + vm.name() + ": connected to " + vm.config.qmpSocket() + " (QEMU " + c.qemuVersion()
                    + ", pid " + pid + ", " + Size.format(configured) + (dev == null ? "" : " = boot " + Size.format(base) + " + virtio-mem "
                    + Size.format(dev.maxSizeBytes()) + " in " + Size.format(dev.blockBytes()) + " blocks, " + Size.format(dev.sizeBytes()) + " plugged")
                    + ", reservation " + Size.format(s.reservationBytes()) + ", memory pressure "
                    + (vm.pressureDir == null ? "not observable (no cgroup of its own)" : "from " + vm.pressureDir) + ")");
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Puts a VM's QEMU into its memory cgroup; returns null (and says why) when it cannot. */
    interface CgroupPlacement {
        /** The VM's cgroups with its QEMU in them, or null when the VM is managed without one. */
        Placed place(String vm, long pid);

        /**
         * Where a VM's QEMU was put.
         *
         * @param memory      its memory cgroup (v1 or v2)
         * @param pressureDir the v2 cgroup whose memory.pressure is the VM's (the memory cgroup on v2, a cgroup of the
         *                    unified hierarchy on a hybrid host), or null
         */
        record Placed(MemoryCgroup memory, java.nio.file.Path pressureDir) {
            /** The directories made for the VM: the memory cgroup, and the pressure cgroup when it is another one. */
            List<java.nio.file.Path> dirs() {
                return pressureDir == null || pressureDir.equals(memory.dir()) ? List.of(memory.dir()) : List.of(memory.dir(), pressureDir);
            }
        }
    }
}
