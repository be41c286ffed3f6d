package dev.memvisor.qemu.manager;

import dev.memvisor.core.control.Action;
import dev.memvisor.core.control.HostAdapter;
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
import dev.memvisor.qemu.collect.KsmStats;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
public final class QemuHost implements HostAdapter, AutoCloseable {
    /** How much longer than the QMP timeout an observation waits for a VM's probe (its /proc reads and up to three exchanges). */
    private static final double PROBE_GRACE = 1.5;
    /** A balloon within this of the memory QEMU was told has arrived (the guest's driver works in pages, QEMU rounds). */
    private static final long INFLATION_DONE_BYTES = Size.MIB;

    private final HostConfig config;
    private final HostPaths paths;
    private final Consumer<String> events;
    private final List<ManagedVm> vms = new ArrayList<>();
    private final ActiveMemoryWindow activeMemory;
    private final VmProbe probe;
    private final ExecutorService pool;
    private final KsmControl ksm;
    private final KsmControl.Settings savedKsm;
    private final Set<String> reconnected = ConcurrentHashMap.newKeySet();
    private Consumer<String> onReconnect = vm -> { };
    private volatile long budgetBytes;
    private MemoryCgroup.Hierarchy cgroupHierarchy;
    private Observation last;
    private boolean intervalObservation = true;
    private final Map<String, Long> sentGuestBytes = new LinkedHashMap<>();
    private long balloonSentNanos = -1;
    private String ksmError;

    /**
     * The configured VMs of this host; nothing is connected until the first observation.
     *
     * @param events receives one line per notable event: a VM connected, lost or failing, and why
     */
    public QemuHost(HostConfig config, HostPaths paths, Consumer<String> events) {
        this.config = config;
        this.paths = paths;
        this.events = events;
        this.budgetBytes = config.budgetBytes();
        for (VmConfig v : config.vms()) vms.add(new ManagedVm(v));
        ActiveMemorySources.Choice choice = ActiveMemorySources.choose(paths.damonAdmin(), paths.procRoot(), vms.size(),
                config.interval().toNanos() / 1000);
        this.activeMemory = new ActiveMemoryWindow(choice.source(), config.interval().toMillis());
        events.accept(choice.logLine());
        this.probe = new VmProbe(config, paths, activeMemory, config.cgroups() ? this::placeInCgroup : null, events);
        this.pool = Executors.newFixedThreadPool(Math.max(1, vms.size()), r -> {
            Thread t = new Thread(r, "memvisor-vm-probe");
            t.setDaemon(true);
            return t;
        });
        this.ksm = new KsmControl(paths.ksmDir());
        this.savedKsm = config.manageKsm() && KsmStats.available(paths.ksmDir()) ? saveKsm() : null;
    }

    /** Who is told when a VM was connected anew (what QEMU was told before is unknown): the controller forgets its actions. */
    public void onReconnect(Consumer<String> listener) {
        this.onReconnect = listener;
    }

    /** Changes the guests' memory budget from the next observation or check on (0 = the host's MemTotal). */
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
     * inflation floor ({@link ManagedVm#betweenIntervals}).
     */
    public void nextObservation(Trigger trigger) {
        intervalObservation = trigger == Trigger.INTERVAL;
    }

    /** The last observation, or null before the first. */
    public Observation lastObservation() {
        return last;
    }

    @Override
    public HostView observe(long nowMillis) {
        sentGuestBytes.clear();
        balloonSentNanos = -1;
        HostReadings readings = HostReadings.read(paths);
        Map<ManagedVm, String> busy = new LinkedHashMap<>();
        for (ManagedVm vm : vms) {
            if (vm.probe != null && !vm.probe.isDone()) {
                busy.put(vm, "no answer yet to the previous observation (QEMU stopped or hung?)");
                continue;
            }
            vm.probe = pool.submit(() -> probe.observe(vm, nowMillis, () -> reconnected.add(vm.name())));
        }
        long deadline = System.nanoTime() + vmDeadline().toNanos();
        Map<String, VmSample> samples = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        Map<String, Long> held = new LinkedHashMap<>();
        long used = 0, heldSum = 0;
        for (ManagedVm vm : vms) {
            String error = busy.get(vm);
            VmSample s = null;
            if (error == null) {
                try {
                    s = vm.probe.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    error = "no answer within " + vmDeadline().toMillis() + " ms (QEMU stopped or hung?)";
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    error = c.getMessage() == null ? c.toString() : c.getMessage();
                    // a silent QEMU keeps its connection (its late answers are dropped); anything else is reconnected
                    if (!(c instanceof QmpTimeoutException)) vm.disconnect();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    error = "interrupted";
                }
            }
            if (s != null) {
                vm.observed = true;
                vm.lastActualBytes = s.actualBytes();
                vm.lastKsmProfitBytes = s.ksmProfitBytes();
                vm.lastConsumedBytes = s.view().consumedBytes();
                if (intervalObservation) {
                    // an interval counts the VM as it is; a balloon still on its way counts from the next interval again
                    long sent = vm.lastGuestBytesSent;
                    boolean inflating = sent >= 0 && s.actualBytes() > sent + INFLATION_DONE_BYTES;
                    vm.inflationFloorBytes = inflating ? s.view().consumedBytes() : -1;
                }
                samples.put(vm.name(), s);
                used += vm.betweenIntervals(s.view().consumedBytes());
                if (vm.lastError != null) events.accept("vm " + vm.name() + ": managed again");
                vm.lastError = null;
                continue;
            }
            vm.observed = false;
            vm.inflationFloorBytes = -1;
            errors.put(vm.name(), error);
            if (!error.equals(vm.lastError)) events.accept("vm " + vm.name() + ": not managed this interval: " + error);
            vm.lastError = error;
            long h = heldNow(vm);
            if (h > 0) {
                held.put(vm.name(), h);
                heldSum += h;
            }
        }
        reconnected.removeIf(name -> {
            onReconnect.accept(name);
            return true;
        });
        FreeMemory f = FreeMemory.of(budgetBytes, used, config.overheadPerVmBytes() * samples.size(), heldSum, readings.memInfo());
        List<VmView> views = samples.values().stream().map(VmSample::view).toList();
        HostView view = new HostView(nowMillis, f.machineBytes(), f.freeBytes(), config.overheadPerVmBytes(), views);
        last = new Observation(view, samples, errors, held, readings, ksmError);
        return view;
    }

    /**
     * Free memory now, from files only (no QMP): each VM's QEMU's statm with the balloon and KSM figures
     * its last observation saw, or MemAvailable without a budget; memory a balloon in flight is
     * reclaiming counts from the next interval on ({@link ManagedVm#betweenIntervals}). The check
     * between intervals.
     */
    public FreeMemory quickFree() {
        long used = 0, held = 0;
        int observed = 0;
        for (ManagedVm vm : vms) {
            long c = vm.costNow(paths.procRoot(), false);
            if (vm.observed) {
                c = vm.betweenIntervals(c);
                used += c;
                observed++;
            } else {
                held += c;
            }
        }
        long budget = budgetBytes;
        return FreeMemory.of(budget, used, config.overheadPerVmBytes() * observed, held, budget > 0 ? null : MemInfo.read(paths.procRoot()));
    }

    /** What an unobserved VM still holds: its QEMU's resident memory while it lives, 0 when it is gone or unreadable. */
    private long heldNow(ManagedVm vm) {
        try {
            return vm.costNow(paths.procRoot());
        } catch (RuntimeException e) {
            return 0;
        }
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
        if (savedKsm == null) return;
        try {
            ksm.apply(s.pagesPerSecond(), config.ksmSleepMillis());
            ksmError = null;
        } catch (RuntimeException e) {
            ksmError = e.getMessage();
            throw e;
        }
    }

    /** What the last decision's actions did, and what the cgroups and KSM carry now. */
    public Effects effects() {
        Map<String, CgroupSetting> cgroups = new LinkedHashMap<>();
        for (ManagedVm vm : vms) {
            CgroupSetting cg = vm.lastCgroup;
            if (cg != null && vm.cgroup != null) cgroups.put(vm.name(), cg);
        }
        KsmControl.Settings knobs = null;
        if (savedKsm != null) {
            try {
                knobs = ksm.read();
            } catch (RuntimeException e) {
                ksmError = e.getMessage();
            }
        }
        return new Effects(sentGuestBytes, cgroups, knobs, balloonSentNanos);
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

    private KsmControl.Settings saveKsm() {
        try {
            return ksm.read();
        } catch (RuntimeException e) {
            events.accept("ksm: not managed: " + e.getMessage());
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
        activeMemory.close();
        if (savedKsm != null) {
            try {
                ksm.restore(savedKsm);
                events.accept("ksm: settings restored (run=" + savedKsm.run() + ", pages_to_scan=" + savedKsm.pagesToScan()
                        + ", sleep_millisecs=" + savedKsm.sleepMillis() + ")");
            } catch (RuntimeException e) {
                events.accept("ksm: settings not restored: " + e.getMessage());
            }
        }
    }
}
