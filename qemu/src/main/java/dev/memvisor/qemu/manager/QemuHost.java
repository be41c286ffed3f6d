package dev.memvisor.qemu.manager;

import dev.memvisor.core.control.Action;
import dev.memvisor.core.control.Trigger;
import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.VmView;
import dev.memvisor.core.unit.Size;
import dev.memvisor.qemu.act.CgroupSetting;
import dev.memvisor.qemu.act.CompressionCache;
import dev.memvisor.qemu.act.KsmControl;
import dev.memvisor.qemu.act.MemoryCgroup;
import dev.memvisor.qemu.act.PressureCgroup;
import dev.memvisor.qemu.act.QmpBalloon;
import dev.memvisor.qemu.act.VirtioMemPlug;
import dev.memvisor.qemu.collect.ActiveMemorySources;
import dev.memvisor.qemu.collect.ActiveMemoryWindow;
import dev.memvisor.qemu.collect.MemInfo;
import dev.memvisor.qemu.qmp.QmpClient;
import dev.memvisor.qemu.qmp.QmpTimeoutException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * This host's QEMU guests as a {@link HostAdapter} of core's control loop. Observing reads the host
 * (/proc, KSM) and every VM at once, each with its own deadline ({@link VmProbe}), so a QEMU that is
 * stopped or hung costs only its own VM; a VM that cannot be observed is left out of the view, and
 * while its QEMU is alive the memory it still holds keeps counting ({@link FreeMemory}). Applying
 * carries out the typed actions: a plugged size through the VM's virtio-mem device ({@link VirtioMemPlug}),
 * a balloon through QMP ({@link QmpBalloon}), the hypervisor's own reclamation through the VM's memory
 * cgroup ({@link CgroupSetting}) and the host's compressed swap ({@link CompressionCache}: zswap), the
 * sharing rate through KSM's knobs ({@link KsmControl}); KSM's and zswap's settings are put back on close. Closing disconnects and leaves
 * the guests running with their balloons as they are.
 */
public final class QemuHost implements RealHost {
    /** How much longer than the QMP timeout an observation waits for a VM's probe (its /proc reads and up to three exchanges). */
    public static final double PROBE_GRACE = 1.5;

    private final HostConfig config;
    private final HostPaths paths;
    private final Consumer<String> events;
    private final List<ManagedVm> vms = new ArrayList<>();
    private final ActiveMemoryWindow activeMemory;
    private final boolean ownsActiveMemory;
    private final VmProbe probe;
    private final ExecutorService pool;
    private final KsmKeeper ksm;
    private final Set<String> reconnected = ConcurrentHashMap.newKeySet();
    private Consumer<String> onReconnect = vm -> { };
    private volatile long budgetBytes;
    private MemoryCgroup.Hierarchy cgroupHierarchy;
    private Observation last;
    private VmLoad lastLoad = VmLoad.NONE;
    private boolean intervalObservation = true;
    private final Map<String, Long> sentGuestBytes = new LinkedHashMap<>();
    private final Map<String, Long> pluggedSent = new LinkedHashMap<>();
    private final ZswapKeeper zswap;
    private long balloonSentNanos = -1;

    /**
     * The configured VMs of this host; nothing is connected until the first observation.
     *
     * @param events receives one line per notable event: a VM connected, lost or failing, and why
     */
    public QemuHost(HostConfig config, HostPaths paths, Consumer<String> events) {
        this(config, paths, null, new KsmKeeper(paths.ksmDir(), config.manageKsm(), config.ksmSleepMillis(), events), null, events);
    }

    /** As {@link #QemuHost(HostConfig, HostPaths, Consumer)}, with zswap kept by {@code zswap} (made for the manager before it knew its groups). */
    public QemuHost(HostConfig config, HostPaths paths, ZswapKeeper zswap, Consumer<String> events) {
        this(config, paths, null, new KsmKeeper(paths.ksmDir(), config.manageKsm(), config.ksmSleepMillis(), events), zswap, events);
    }

    /**
     * The configured VMs as one group of a manager that keeps the active-memory monitor and KSM
     * itself ({@link CombinedHost}): this host measures active memory with {@code activeMemory}
     * (which it does not close) and leaves KSM alone.
     */
    public QemuHost(HostConfig config, HostPaths paths, ActiveMemoryWindow activeMemory, Consumer<String> events) {
        this(config, paths, activeMemory, KsmKeeper.none(), null, events);
    }

    /**
     * As {@link #QemuHost(HostConfig, HostPaths, ActiveMemoryWindow, Consumer)}, with zswap kept by {@code zswap},
     * which the manager's other groups share (zswap is host-wide); it is put back when the first of them closes.
     */
    public QemuHost(HostConfig config, HostPaths paths, ActiveMemoryWindow activeMemory, ZswapKeeper zswap, Consumer<String> events) {
        this(config, paths, activeMemory, KsmKeeper.none(), zswap, events);
    }

    private QemuHost(HostConfig config, HostPaths paths, ActiveMemoryWindow sharedActiveMemory, KsmKeeper ksm, ZswapKeeper zswap,
                     Consumer<String> events) {
        this.config = config;
        this.paths = paths;
        this.events = events;
        this.budgetBytes = config.budgetBytes();
        for (VmConfig v : config.vms()) vms.add(new ManagedVm(v));
        this.ownsActiveMemory = sharedActiveMemory == null;
        if (sharedActiveMemory == null) {
            ActiveMemorySources.Choice choice = ActiveMemorySources.choose(paths.damonAdmin(), paths.procRoot(), vms.size(),
                    config.interval().toNanos() / 1000);
            this.activeMemory = new ActiveMemoryWindow(choice.source(), config.interval().toMillis());
            events.accept(choice.logLine());
        } else {
            this.activeMemory = sharedActiveMemory;
        }
        this.probe = new VmProbe(config, paths, activeMemory, config.cgroups() ? this::placeInCgroup : null, events);
        this.pool = Executors.newFixedThreadPool(Math.max(1, vms.size()), r -> {
            Thread t = new Thread(r, "memvisor-vm-probe");
            t.setDaemon(true);
            return t;
        });
        this.ksm = ksm;
        this.zswap = zswap == null ? ZswapKeeper.of(config, paths, events) : zswap;
    }

    /** Who is told when a VM was connected anew (what QEMU was told before is unknown): the controller forgets its actions. */
    @Override
    public void onReconnect(Consumer<String> listener) {
        this.onReconnect = listener;
    }

    /** Changes the guests' memory budget from the next observation or check on (0 = the host's MemTotal). */
    @Override
    public void setBudget(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("budget must be >= 0, got " + bytes);
        budgetBytes = bytes;
    }

    /** The longest a VM's observation may take before it counts as unreachable this time. */
    public Duration vmDeadline() {
        return Duration.ofMillis((long) (config.qmpTimeout().toMillis() * PROBE_GRACE));
    }

    /**
     * Says what the next observation is for: a regular interval counts every VM as it is, a decision
     * between intervals counts a VM whose balloon is still reclaiming for the last plan at its
     * inflation floor ({@link TrackedVm#betweenIntervals}).
     */
    @Override
    public void nextObservation(Trigger trigger) {
        intervalObservation = trigger == Trigger.INTERVAL;
    }

    /** The last observation, or null before the first. */
    @Override
    public Observation lastObservation() {
        return last;
    }

    @Override
    public VmLoad lastLoad() {
        return lastLoad;
    }

    @Override
    public HostView observe(long nowMillis) {
        sentGuestBytes.clear();
        pluggedSent.clear();
        balloonSentNanos = -1;
        HostReadings readings = HostReadings.read(paths);
        ProbeRound.Result r = ProbeRound.run(vms, pool, vmDeadline(), intervalObservation, new ProbeRound.Probe<>() {
            @Override
            public VmSample observe(ManagedVm vm) {
                return probe.observe(vm, nowMillis, () -> reconnected.add(vm.name()));
            }

            @Override
            public void failed(ManagedVm vm, Throwable cause) {
                // a silent QEMU keeps its connection (its late answers are dropped); anything else is reconnected
                if (!(cause instanceof QmpTimeoutException)) vm.disconnect();
                removeGroupsIfExited(vm);
            }

            @Override
            public long held(ManagedVm vm) {
                return vm.costNow(paths.procRoot());
            }
        }, "QEMU stopped or hung?", events);
        reconnected.removeIf(name -> {
            onReconnect.accept(name);
            return true;
        });
        lastLoad = r.load();
        Map<String, VmSample> samples = new LinkedHashMap<>(r.samples());
        ZswapKeeper.estimateCompression(samples, readings);
        FreeMemory f = lastLoad.free(budgetBytes, config.overheadPerVmBytes(), readings.memInfo());
        List<VmView> views = samples.values().stream().map(VmSample::view).toList();
        HostView view = new HostView(nowMillis, f.machineBytes(), f.freeBytes(), config.overheadPerVmBytes(), views);
        last = new Observation(view, samples, r.errors(), r.held(), readings, ksm.error());
        return view;
    }

    /**
     * Free memory now, from files only (no QMP): each VM's QEMU's statm with the balloon and KSM figures
     * its last observation saw, or MemAvailable without a budget; memory a balloon in flight is
     * reclaiming counts from the next interval on ({@link ManagedVm#betweenIntervals}). The check
     * between intervals.
     */
    @Override
    public FreeMemory quickFree() {
        long budget = budgetBytes;
        return quickLoad().free(budget, config.overheadPerVmBytes(), budget > 0 ? null : MemInfo.read(paths.procRoot()));
    }

    @Override
    public VmLoad quickLoad() {
        long used = 0, held = 0;
        int observed = 0;
        for (ManagedVm vm : vms) {
            long c = vm.costNow(paths.procRoot(), false);
            if (vm.observed()) {
                used += vm.betweenIntervals(c);
                observed++;
            } else {
                held += c;
            }
        }
        return new VmLoad(used, observed, held);
    }

    @Override
    public void apply(Action action) {
        if (action instanceof Action.Plug p) {
            plug(vm(p.vm()), p);
        } else if (action instanceof Action.Balloon b) {
            balloon(vm(b.vm()), b);
        } else if (action instanceof Action.HostReclaim r) {
            reclaim(vm(r.vm()), r);
        } else if (action instanceof Action.SharingRate s) {
            sharing(s);
        } else {
            throw new IllegalArgumentException("unknown action " + action);
        }
    }

    /**
     * Asks the VM's virtio-mem device for the plugged size ({@link VirtioMemPlug}); the guest gets there at
     * its own pace, and the log shows what is plugged and how long each change took.
     */
    private void plug(ManagedVm vm, Action.Plug p) {
        QmpClient c = vm.client;
        if (c == null || !c.isOpen()) throw new IllegalStateException("vm " + vm.name() + ": not connected");
        VirtioMemPlug d = vm.plug;
        if (d == null) throw new IllegalStateException("vm " + vm.name() + ": no virtio-mem device to plug " + Size.format(p.pluggedBytes()) + " into");
        try {
            d.request(c, p.pluggedBytes(), System.currentTimeMillis() * 1000);
        } catch (RuntimeException e) {
            if (!(e instanceof QmpTimeoutException)) vm.disconnect();
            throw e;
        }
        pluggedSent.put(vm.name(), p.pluggedBytes());
    }

    private void balloon(ManagedVm vm, Action.Balloon b) {
        QmpClient c = vm.client;
        if (c == null || !c.isOpen()) throw new IllegalStateException("vm " + vm.name() + ": not connected");
        // QEMU's balloon works within the boot memory; what a virtio-mem device plugged comes on top
        long guest = QmpBalloon.guestBytes(vm.balloonBaseBytes(), b.balloonBytes());
        if (guest == vm.lastGuestBytesSent) return;
        // an inflation: until the next interval, the VM counts what it consumes now (ManagedVm#betweenIntervals)
        if (guest < vm.lastActualBytes && vm.inflationFloorBytes < 0) vm.inflationFloorBytes = vm.lastConsumedBytes;
        try {
            c.balloon(guest);
        } catch (RuntimeException e) {
            if (!(e instanceof QmpTimeoutException)) vm.disconnect();
            throw e;
        }
        vm.lastGuestBytesSent = guest;
        sentGuestBytes.put(vm.name(), guest);
        balloonSentNanos = System.nanoTime();
    }

    /**
     * The plan's host-swap target and allocation blocking through the VM's cgroup ({@link CgroupSetting}:
     * limit, then throttle). A VM without a cgroup has nothing to set. A limit the kernel refuses (v1:
     * EBUSY when it cannot reclaim below it, e.g. without host swap) fails the action, which the
     * controller sends again at the next decision.
     */
    private void reclaim(ManagedVm vm, Action.HostReclaim r) {
        vm.compressionAllowed = r.compressionAllowed();
        // the host's compressed swap follows every VM's plan; a failure there is reported, the cgroup is still set
        String zswapFailure = updateZswap();
        MemoryCgroup cg = vm.cgroup;
        if (cg != null) {
            CgroupSetting want = CgroupSetting.of(r, config.cgroupHeadroomBytes(), config.overheadPerVmBytes(), cg.version());
            CgroupSetting had = vm.lastCgroup;
            try {
                // lowering: the throttle first, so memory.high never sits above a new memory.max; raising: the limit first
                if (had == null || had.limitBytes() != want.limitBytes()) {
                    if (had != null && want.limitBytes() < had.limitBytes() && had.highBytes() != want.highBytes()) cg.setHigh(want.highBytes());
                    cg.setLimit(want.limitBytes());
                }
                if (had == null || had.highBytes() != want.highBytes()) cg.setHigh(want.highBytes());
                vm.lastCgroup = want;
            } catch (RuntimeException e) {
                vm.lastCgroup = null;
                throw new IllegalStateException("cgroup " + want.mode() + " limit " + Size.format(want.limitBytes()) + " not applied: " + e.getMessage(), e);
            }
            if (zswap.manages() && cg.zswapAccounted()) {
                long cap = zswap.vmCapBytes(r.compressionAllowed(), vm.settings.configuredBytes());
                if (cap != vm.lastZswapMaxBytes) {
                    cg.setZswapMax(cap);
                    vm.lastZswapMaxBytes = cap;
                }
            }
        }
        if (zswapFailure != null) throw new IllegalStateException(zswapFailure);
    }

    /**
     * zswap as the VMs' plans want it ({@link CompressionCache}): on, with the pool cap of their caches, while
     * any VM may be compressed; the host's own settings otherwise. Returns why it could not be set, or null.
     */
    private String updateZswap() {
        Map<String, Boolean> allowed = new LinkedHashMap<>();
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (ManagedVm v : vms) {
            if (v.settings == null) continue;
            allowed.put(v.name(), v.compressionAllowed);
            sizes.put(v.name(), v.settings.configuredBytes());
        }
        return zswap.update("qemu", allowed, sizes);
    }

    private void sharing(Action.SharingRate s) {
        ksm.apply(s.pagesPerSecond());
    }

    /** What the last decision's actions did, and what the cgroups and KSM carry now. */
    @Override
    public Effects effects() {
        Map<String, CgroupSetting> cgroups = new LinkedHashMap<>();
        for (ManagedVm vm : vms) {
            CgroupSetting cg = vm.lastCgroup;
            if (cg != null && vm.cgroup != null) cgroups.put(vm.name(), cg);
        }
        Map<String, Long> zswapMax = new LinkedHashMap<>();
        for (ManagedVm vm : vms) if (vm.lastZswapMaxBytes >= 0 && vm.cgroup != null) zswapMax.put(vm.name(), vm.lastZswapMaxBytes);
        return new Effects(sentGuestBytes, cgroups, ksm.knobs(), balloonSentNanos, pluggedSent, zswap.settings(), zswapMax);
    }

    /** The VM's virtio-mem device as the manager drives it (null without one, or no such VM here), for its plug times. */
    @Override
    public VirtioMemPlug virtioMem(String vm) {
        for (ManagedVm v : vms) if (v.name().equals(vm)) return v.plug;
        return null;
    }

    /** Why zswap could not be read or set at the last attempt, or null. */
    public String zswapError() {
        return zswap.error();
    }

    private ManagedVm vm(String name) {
        for (ManagedVm vm : vms) if (vm.name().equals(name)) return vm;
        throw new IllegalArgumentException("no managed VM " + name);
    }

    /**
     * Puts a VM's QEMU into its memory cgroup, and on a hybrid host (memory controller on v1) also into a
     * cgroup of its own in the unified hierarchy for its memory pressure ({@link PressureCgroup}); without a
     * memory cgroup the VM is still ballooned, and the log says why.
     */
    private VmProbe.CgroupPlacement.Placed placeInCgroup(String vm, long pid) {
        MemoryCgroup cg;
        MemoryCgroup.Hierarchy h;
        try {
            if (pid < 0) throw new IllegalStateException("no QEMU process found for its QMP socket");
            synchronized (this) {
                if (cgroupHierarchy == null) cgroupHierarchy = MemoryCgroup.detect(paths.cgroupRoot());
                h = cgroupHierarchy;
            }
            cg = h.create(vm);
            cg.add(pid);
        } catch (RuntimeException e) {
            events.accept("vm " + vm + ": managed without a memory cgroup (no limit, no host swap): " + e.getMessage());
            return null;
        }
        if (h.version() == MemoryCgroup.Version.V2) return new VmProbe.CgroupPlacement.Placed(cg, cg.dir());
        Path unified = MemoryCgroup.unifiedRoot(paths.cgroupRoot());
        if (unified == null) return new VmProbe.CgroupPlacement.Placed(cg, null);
        try {
            PressureCgroup p = PressureCgroup.create(unified, vm);
            p.add(pid);
            return new VmProbe.CgroupPlacement.Placed(cg, p.dir());
        } catch (RuntimeException e) {
            events.accept("vm " + vm + ": its memory pressure is not observed: " + e.getMessage());
            return new VmProbe.CgroupPlacement.Placed(cg, null);
        }
    }

    /** Removes the cgroups of a VM whose QEMU has exited, and says so. */
    private void removeGroupsIfExited(ManagedVm vm) {
        List<Path> removed = vm.removeGroupsIfExited(paths.procRoot());
        if (!removed.isEmpty()) events.accept("vm " + vm.name() + ": its QEMU (pid " + vm.pid + ") has exited; removed its cgroups " + removed);
    }

    /**
     * Disconnects from every VM, removes the cgroups of VMs whose QEMU has exited, removes the DAMON monitors it made and puts KSM's knobs back as they
     * were; the guests keep running with their current balloons (merged pages stay merged).
     */
    @Override
    public void close() {
        pool.shutdownNow();
        vms.forEach(ManagedVm::disconnect);
        Set<Path> parents = new LinkedHashSet<>();
        for (ManagedVm vm : vms) {
            for (Path d : vm.madeGroups) parents.add(d.getParent());
            removeGroupsIfExited(vm);
        }
        // memvisor/ itself, once no VM's group is left in it (rmdir fails on a parent that still has children)
        for (Path parent : parents) {
            try {
                Files.deleteIfExists(parent);
            } catch (IOException e) {
                // a running guest's group (or another manager's) is still in it
            }
        }
        if (ownsActiveMemory) activeMemory.close();
        zswap.restore();
        ksm.restore();
    }
}
