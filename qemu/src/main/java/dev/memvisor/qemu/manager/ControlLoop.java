package dev.memvisor.qemu.manager;

import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.MemoryThresholds;
import dev.memvisor.core.model.Plan;
import dev.memvisor.core.model.VmPlan;
import dev.memvisor.core.model.VmSettings;
import dev.memvisor.core.model.VmView;
import dev.memvisor.core.policy.MemoryPolicy;
import dev.memvisor.core.unit.Size;
import dev.memvisor.qemu.act.BalloonTarget;
import dev.memvisor.qemu.act.CgroupSetting;
import dev.memvisor.qemu.act.KsmControl;
import dev.memvisor.qemu.act.MemoryCgroup;
import dev.memvisor.qemu.collect.KsmStats;
import dev.memvisor.qemu.collect.MemInfo;
import dev.memvisor.qemu.collect.MemoryPressure;
import dev.memvisor.qemu.collect.QemuProcessStats;
import dev.memvisor.qemu.collect.ActiveMemorySource;
import dev.memvisor.qemu.collect.ActiveMemorySources;
import dev.memvisor.qemu.collect.VmStat;
import dev.memvisor.qemu.launch.QemuProcessFinder;
import dev.memvisor.qemu.qmp.GuestStats;
import dev.memvisor.qemu.qmp.QmpClient;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The real manager: every interval collects the host and each VM, builds a {@link HostView}, asks
 * the core policy for a {@link Plan} and carries it out (balloon targets, KSM knobs, memory cgroup
 * limits). Between intervals it checks free memory cheaply every {@link HostConfig#stateCheckInterval()}
 * ({@link StateWatch}) and decides at once when the host memory state changes, as the simulator does,
 * then keeps to its regular schedule. A VM that cannot be reached is logged and left out; the others
 * stay managed, and the VM is retried every interval. Closing the loop disconnects and leaves the
 * guests running.
 */
public final class ControlLoop implements AutoCloseable {
    private static final long PAGE = 4096;
    private static final long MIN_BALLOON_STEP = Size.MIB;

    private final HostConfig config;
    private final MemoryPolicy policy;
    private final HostPaths paths;
    private final Consumer<Decision> decisions;
    private final Consumer<String> events;
    private final List<ManagedVm> vms = new ArrayList<>();
    private final ActiveMemorySource activeMemory;
    private final KsmControl ksm;
    private final StateWatch stateWatch;
    private final long startNanos = System.nanoTime();
    private MemoryCgroup.Hierarchy cgroupHierarchy;
    private long lastCpuNanos = processCpuNanos();
    private volatile long budgetBytes;
    private String lastStateCheckError;

    /**
     * A loop over the configured VMs whose state checks between intervals use {@code thresholds}
     * (those the policy was made with, so a state change seen between intervals is one the policy acts on).
     *
     * @param decisions receives every {@link Decision}, at intervals and on state changes (the log, metrics, tests)
     * @param events    receives one line per notable event: a VM connected, lost or failing, and why
     */
    public ControlLoop(HostConfig config, MemoryPolicy policy, MemoryThresholds thresholds, HostPaths paths,
                       Consumer<Decision> decisions, Consumer<String> events) {
        this.config = config;
        this.policy = policy;
        this.paths = paths;
        this.decisions = decisions;
        this.events = events;
        this.ksm = new KsmControl(paths.ksmDir());
        this.stateWatch = new StateWatch(thresholds, paths.procRoot());
        for (VmConfig v : config.vms()) vms.add(new ManagedVm(v));
        this.budgetBytes = config.budgetBytes();
        ActiveMemorySources.Choice choice = ActiveMemorySources.choose(paths.damonAdmin(), paths.procRoot(), vms.size(),
                config.interval().toNanos() / 1000);
        this.activeMemory = choice.source();
        events.accept(choice.logLine());
    }

    /** Changes the guests' memory budget from the next interval or state check on (0 = the host's MemTotal). */
    public void setBudget(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("budget must be >= 0, got " + bytes);
        budgetBytes = bytes;
    }

    /**
     * Runs intervals until {@code stop} is set, deciding also between intervals when a state check sees
     * the host memory state change. One thread: the checks run in the loop's own waits, and a waiter
     * notified on {@code stop} (after setting it) ends the wait at once.
     */
    public void run(AtomicBoolean stop) {
        long next = System.nanoTime();
        while (!stop.get()) {
            step(Trigger.INTERVAL);
            next += config.interval().toNanos();
            if (!awaitInterval(stop, next)) return;
        }
    }

    /**
     * Waits until {@code deadline} (a System.nanoTime value) or until {@code stop} is set, checking the
     * host memory state every state check interval and deciding at once on a change; the deadline, the
     * regular schedule, is not moved by such a decision.
     *
     * @return false when the thread was interrupted (its interrupt flag is set again)
     */
    private boolean awaitInterval(AtomicBoolean stop, long deadline) {
        long every = config.stateCheckInterval().toNanos();
        long nextCheck = System.nanoTime() + every;
        while (!stop.get()) {
            long now = System.nanoTime();
            if (now - deadline >= 0) return true;
            if (every > 0 && now - nextCheck >= 0) {
                if (checkState()) step(Trigger.STATE);
                // from now, not from the missed slot: a slow decision does not cause a burst of checks
                nextCheck = System.nanoTime() + every;
                continue;
            }
            long wakeAt = every > 0 && nextCheck - deadline < 0 ? nextCheck : deadline;
            synchronized (stop) {
                if (stop.get()) break;
                try {
                    // rounded up: a 0 ms wait would wait for a notify only
                    stop.wait(Math.max(1, (wakeAt - now + 999_999) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    /** Feeds free memory, read cheaply, to the state watch; a check that cannot read is logged and counts as no change. */
    private boolean checkState() {
        try {
            boolean changed = stateWatch.check(budgetBytes, vms);
            lastStateCheckError = null;
            return changed;
        } catch (RuntimeException e) {
            String msg = "state check: " + (e.getMessage() == null ? e.toString() : e.getMessage());
            if (!msg.equals(lastStateCheckError)) events.accept(msg);
            lastStateCheckError = msg;
            return false;
        }
    }

    /** Free memory as a state check would read it now (tests compare it with a collection's). */
    long stateCheckFreeBytes() {
        return stateWatch.read(budgetBytes, vms).freeBytes();
    }

    /** One regular interval: collect, decide, act. */
    public Decision step() {
        return step(Trigger.INTERVAL);
    }

    /** One decision, marked with what caused it: collect, decide, act. */
    public Decision step(Trigger trigger) {
        long t0 = System.nanoTime();
        MemInfo mem = MemInfo.read(paths.procRoot());
        MemoryPressure psi = MemoryPressure.read(paths.procRoot());
        VmStat vmstat = VmStat.read(paths.procRoot());
        KsmStats ksmStats = KsmStats.available(paths.ksmDir()) ? KsmStats.read(paths.ksmDir()) : null;
        Map<String, VmSample> samples = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        for (ManagedVm vm : vms) {
            try {
                connect(vm);
                samples.put(vm.name(), sample(vm));
                vm.observed = true;
                if (vm.lastError != null) events.accept("vm " + vm.name() + ": managed again");
                vm.lastError = null;
            } catch (RuntimeException e) {
                fail(vm, errors, e);
            }
        }
        List<VmView> views = samples.values().stream().map(VmSample::view).toList();
        long budget = budgetBytes;
        StateWatch.Free f = budget > 0 ? StateWatch.Free.ofBudget(budget, views.stream().mapToLong(VmView::consumedBytes).sum())
                : StateWatch.Free.ofHost(mem);
        HostView view = new HostView((t0 - startNanos) / 1_000_000, f.machineBytes(), f.freeBytes(), config.overheadPerVmBytes(), views);
        stateWatch.collected(f.freeBytes(), f.machineBytes());
        Plan plan = policy.decide(view);
        List<String> actions = new ArrayList<>();
        Map<String, CgroupSetting> cgroups = new LinkedHashMap<>();
        long balloonSent = act(plan, errors, actions, cgroups, t0);
        long cpu = processCpuNanos();
        Decision d = new Decision(view, plan, samples, errors, actions, mem.availableBytes(),
                ksmStats == null ? 0 : ksmStats.pagesSharing(), psi.someAvg10(),
                vmstat.get("pswpin"), vmstat.get("pswpout"), cpu - lastCpuNanos,
                System.nanoTime() - t0, balloonSent, cgroups, trigger, t0);
        lastCpuNanos = cpu;
        decisions.accept(d);
        return d;
    }

    private void connect(ManagedVm vm) {
        if (vm.connected()) return;
        vm.disconnect();
        QmpClient c = QmpClient.connect(vm.config.qmpSocket(), Duration.ofSeconds(5));
        try {
            String balloon = c.findBalloonPath();
            c.setGuestStatsPollingInterval(balloon, (int) Math.max(1, config.interval().toSeconds()));
            long configured = vm.config.memoryBytes() > 0 ? vm.config.memoryBytes()
                    : c.execute("query-memory-size-summary", null).path("base-memory").asLong();
            VmSettings s = vm.config.settings(configured);
            vm.pid = QemuProcessFinder.pidForSocket(paths.procRoot(), vm.config.qmpSocket()).orElse(-1);
            if (config.cgroups()) attachCgroup(vm);
            vm.settings = s;
            vm.balloonPath = balloon;
            vm.client = c;
            events.accept("vm " + vm.name() + ": connected to " + vm.config.qmpSocket() + " (QEMU " + c.qemuVersion()
                    + ", pid " + vm.pid + ", " + Size.format(configured) + ", reservation " + Size.format(s.reservationBytes()) + ")");
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Puts the VM's QEMU in its memory cgroup; without one the VM is still ballooned, and the log says why. */
    private void attachCgroup(ManagedVm vm) {
        vm.cgroup = null;
        try {
            if (vm.pid < 0) throw new IllegalStateException("no QEMU process found for socket " + vm.config.qmpSocket());
            if (cgroupHierarchy == null) cgroupHierarchy = MemoryCgroup.detect(paths.cgroupRoot());
            MemoryCgroup cg = cgroupHierarchy.create(vm.name());
            cg.add(vm.pid);
            vm.cgroup = cg;
        } catch (RuntimeException e) {
            events.accept("vm " + vm.name() + ": managed without a memory cgroup (no limit, no host swap): " + e.getMessage());
        }
    }

    private VmSample sample(ManagedVm vm) {
        VmSettings s = vm.settings;
        long configured = s.configuredBytes();
        long actual = vm.client.queryBalloon().actualBytes();
        GuestStats g = vm.client.guestStats(vm.balloonPath);
        long rss = -1, swap = 0, shared = 0, profit = 0, vcpu = 0, active = -1;
        if (vm.pid > 0) {
            QemuProcessStats p = QemuProcessStats.read(paths.procRoot(), vm.pid);
            rss = p.rssBytes();
            swap = p.swapBytes();
            shared = p.ksmMergingPages() * PAGE;
            profit = Math.max(0, p.ksmProfitBytes());
            vcpu = p.vcpuTicks();
            active = activeMemory.activeBytes(vm.name(), vm.pid, configured);
        }
        long balloon = Math.max(0, configured - actual);
        vm.lastActualBytes = actual;
        vm.lastKsmProfitBytes = profit;
        long granted = rss >= 0 ? Math.min(rss, actual) : actual;
        long consumed = rss >= 0 ? ManagedVm.consumedBytes(actual, rss, profit) : actual;
        long act = active >= 0 ? Math.min(active, granted) : granted;
        long guestFree = g.reported() && g.freeBytes() >= 0 ? g.freeBytes() : VmView.UNKNOWN;
        long guestUsed = g.reported() && g.totalBytes() >= 0 && g.availableBytes() >= 0
                ? Math.max(0, g.totalBytes() - g.availableBytes()) : VmView.UNKNOWN;
        VmView v = new VmView(s, granted, consumed, balloon, swap, 0, act, guestFree, guestUsed);
        return new VmSample(v, actual, shared, vcpu, g.reported() ? g.totalBytes() : -1);
    }

    private long act(Plan plan, Map<String, String> errors, List<String> actions, Map<String, CgroupSetting> cgroups, long t0) {
        long balloonSent = -1;
        for (VmPlan p : plan.vms()) {
            ManagedVm vm = find(p.name());
            if (vm == null || !vm.connected()) continue;
            try {
                VmSettings s = vm.settings;
                long bounded = BalloonTarget.guestBytes(s, p);
                String note = !BalloonTarget.clamped(s, p) ? null : "vm " + vm.name() + ": plan asked for "
                        + Size.format(s.configuredBytes() - p.balloonTargetBytes()) + ", kept within reservation "
                        + Size.format(s.reservationBytes()) + " and limit " + Size.format(s.ceilingBytes());
                if (note != null && !note.equals(vm.lastClampNote)) events.accept(note);
                vm.lastClampNote = note;
                if (Math.abs(bounded - vm.lastBalloonSent) >= MIN_BALLOON_STEP) {
                    vm.client.balloon(bounded);
                    balloonSent = System.nanoTime() - t0;
                    actions.add("balloon " + vm.name() + " " + Size.format(bounded));
                    vm.lastBalloonSent = bounded;
                }
            } catch (RuntimeException e) {
                fail(vm, errors, e);
                continue;
            }
            if (vm.cgroup != null) applyCgroup(vm, p, actions, cgroups);
        }
        if (config.manageKsm() && KsmStats.available(paths.ksmDir())) {
            try {
                KsmStats before = KsmStats.read(paths.ksmDir());
                ksm.apply(plan.sharingScanPagesPerSecond(), config.ksmSleepMillis());
                KsmStats after = KsmStats.read(paths.ksmDir());
                if (before.run() != after.run() || before.pagesToScan() != after.pagesToScan()) {
                    actions.add("ksm run=" + after.run() + " pages_to_scan=" + after.pagesToScan() + " sleep_millisecs=" + after.sleepMillis());
                }
            } catch (RuntimeException e) {
                errors.put("(ksm)", e.getMessage());
                events.accept("ksm: " + e.getMessage());
            }
        }
        return balloonSent;
    }

    /**
     * Carries the plan's host-swap target and allocation blocking out through the VM's cgroup
     * ({@link CgroupSetting}: limit, then throttle). A limit the kernel refuses (v1: EBUSY when it cannot
     * reclaim below it, e.g. without host swap) is logged and retried next interval.
     */
    private void applyCgroup(ManagedVm vm, VmPlan p, List<String> actions, Map<String, CgroupSetting> cgroups) {
        CgroupSetting want = CgroupSetting.of(p, config.cgroupHeadroomBytes(), config.overheadPerVmBytes());
        CgroupSetting had = vm.lastCgroup;
        try {
            if (had == null || had.limitBytes() != want.limitBytes()) {
                vm.cgroup.setLimit(want.limitBytes());
                actions.add("cgroup " + vm.name() + " limit " + Size.format(want.limitBytes()) + " (" + want.mode() + ")");
            }
            if (had == null || had.highBytes() != want.highBytes()) {
                vm.cgroup.setHigh(want.highBytes());
                actions.add("cgroup " + vm.name() + " high " + (want.highBytes() == CgroupSetting.NONE ? "none" : Size.format(want.highBytes())));
            }
            vm.lastCgroup = want;
            vm.lastCgroupError = null;
            cgroups.put(vm.name(), want);
        } catch (RuntimeException e) {
            vm.lastCgroup = null;
            String msg = "vm " + vm.name() + ": cgroup " + want.mode() + " limit " + Size.format(want.limitBytes()) + " not applied: " + e.getMessage();
            // reported when it first happens or changes, not every interval it is retried
            if (!msg.equals(vm.lastCgroupError)) events.accept(msg);
            vm.lastCgroupError = msg;
        }
    }

    private void fail(ManagedVm vm, Map<String, String> errors, RuntimeException e) {
        String msg = e.getMessage() == null ? e.toString() : e.getMessage();
        errors.put(vm.name(), msg);
        if (!msg.equals(vm.lastError)) events.accept("vm " + vm.name() + ": not managed this interval: " + msg);
        vm.lastError = msg;
        vm.disconnect();
    }

    private ManagedVm find(String name) {
        for (ManagedVm vm : vms) if (vm.name().equals(name)) return vm;
        return null;
    }

    private static long processCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) return sun.getProcessCpuTime();
        return 0;
    }

    /** Disconnects from every VM and removes DAMON monitors it made; the guests keep running with their current balloons. */
    @Override
    public void close() {
        vms.forEach(ManagedVm::disconnect);
        activeMemory.close();
    }
}
