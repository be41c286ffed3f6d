package dev.memvisor.qemu.manager;

import dev.memvisor.core.control.Action;
import dev.memvisor.core.control.Trigger;
import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.VmView;
import dev.memvisor.core.unit.Size;
import dev.memvisor.qemu.act.CgroupSetting;
import dev.memvisor.qemu.act.KsmControl;
import dev.memvisor.qemu.act.MemoryCgroup;
import dev.memvisor.qemu.act.QmpBalloon;
import dev.memvisor.qemu.collect.ActiveMemorySources;
import dev.memvisor.qemu.collect.ActiveMemoryWindow;
import dev.memvisor.qemu.collect.MemInfo;
import dev.memvisor.qemu.qmp.QmpClient;
import dev.memvisor.qemu.qmp.QmpTimeoutException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * carries out the typed actions: a balloon through QMP ({@link QmpBalloon}), the hypervisor's own
 * reclamation through the VM's memory cgroup ({@link CgroupSetting}), the sharing rate through KSM's
 * knobs ({@link KsmControl}), whose settings are put back on close. Closing disconnects and leaves
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
    private long balloonSentNanos = -1;

    /**
     * The configured VMs of this host; nothing is connected until the first observation.
     *
     * @param events receives one line per notable event: a VM connected, lost or failing, and why
     */
    public QemuHost(HostConfig config, HostPaths paths, Consumer<String> events) {
        this(config, paths, null, new KsmKeeper(paths.ksmDir(), config.manageKsm(), config.ksmSleepMillis(), events), events);
    }

    /**
     * The configured VMs as one group of a manager that keeps the active-memory monitor and KSM
     * itself ({@link CombinedHost}): this host measures active memory with {@code activeMemory}
     * (which it does not close) and leaves KSM alone.
     */
    public QemuHost(HostConfig config, HostPaths paths, ActiveMemoryWindow activeMemory, Consumer<String> events) {
        this(config, paths, activeMemory, KsmKeeper.none(), events);
    }

    private QemuHost(HostConfig config, HostPaths paths, ActiveMemoryWindow sharedActiveMemory, KsmKeeper ksm, Consumer<String> events) {
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
        FreeMemory f = lastLoad.free(budgetBytes, config.overheadPerVmBytes(), readings.memInfo());
        List<VmView> views = r.samples().values().stream().map(VmSample::view).toList();
        HostView view = new HostView(nowMillis, f.machineBytes(), f.freeBytes(), config.overheadPerVmBytes(), views);
        last = new Observation(view, r.samples(), r.errors(), r.held(), readings, ksm.error());
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
        if (action instanceof Action.Balloon b) {
            balloon(vm(b.vm()), b);
        } else if (action instanceof Action.HostReclaim r) {
            reclaim(vm(r.vm()), r);
        } else if (action instanceof Action.SharingRate s) {
            sharing(s);
        } else {
            throw new IllegalArgumentException("unknown action " + action);
        }
    }

    private void balloon(ManagedVm vm, Action.Balloon b) {
        QmpClient c = vm.client;
        if (c == null || !c.isOpen()) throw new IllegalStateException("vm " + vm.name() + ": not connected");
        long guest = QmpBalloon.guestBytes(vm.settings.configuredBytes(), b.balloonBytes());
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
        MemoryCgroup cg = vm.cgroup;
        if (cg == null) return;
        CgroupSetting want = CgroupSetting.of(r, config.cgroupHeadroomBytes(), config.overheadPerVmBytes());
        CgroupSetting had = vm.lastCgroup;
        try {
            if (had == null || had.limitBytes() != want.limitBytes()) cg.setLimit(want.limitBytes());
            if (had == null || had.highBytes() != want.highBytes()) cg.setHigh(want.highBytes());
            vm.lastCgroup = want;
        } catch (RuntimeException e) {
            vm.lastCgroup = null;
            throw new IllegalStateException("cgroup " + want.mode() + " limit " + Size.format(want.limitBytes()) + " not applied: " + e.getMessage(), e);
        }
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
        return new Effects(sentGuestBytes, cgroups, ksm.knobs(), balloonSentNanos);
    }

    private ManagedVm vm(String name) {
        for (ManagedVm vm : vms) if (vm.name().equals(name)) return vm;
        throw new IllegalArgumentException("no managed VM " + name);
    }

    /** Puts a VM's QEMU into its memory cgroup; without one the VM is still ballooned, and the log says why. */
    private MemoryCgroup placeInCgroup(String vm, long pid) {
        try {
            if (pid < 0) throw new IllegalStateException("no QEMU process found for its QMP socket");
            MemoryCgroup.Hierarchy h;
            synchronized (this) {
                if (cgroupHierarchy == null) cgroupHierarchy = MemoryCgroup.detect(paths.cgroupRoot());
                h = cgroupHierarchy;
            }
            MemoryCgroup cg = h.create(vm);
            cg.add(pid);
            return cg;
        } catch (RuntimeException e) {
            events.accept("vm " + vm + ": managed without a memory cgroup (no limit, no host swap): " + e.getMessage());
            return null;
        }
    }

    /**
     * Disconnects from every VM, removes the DAMON monitors it made and puts KSM's knobs back as they
     * were; the guests keep running with their current balloons (merged pages stay merged).
     */
    @Override
    public void close() {
        pool.shutdownNow();
        vms.forEach(ManagedVm::disconnect);
        if (ownsActiveMemory) activeMemory.close();
        ksm.restore();
    }
}
