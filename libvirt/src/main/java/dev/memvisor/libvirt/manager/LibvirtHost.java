package dev.memvisor.libvirt.manager;

import dev.memvisor.core.admission.AdmissionControl;
import dev.memvisor.core.admission.AdmissionDecision;
import dev.memvisor.core.control.Action;
import dev.memvisor.core.control.Trigger;
import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.HotplugMemory;
import dev.memvisor.core.model.VmSettings;
import dev.memvisor.core.model.VmView;
import dev.memvisor.core.unit.Size;
import dev.memvisor.libvirt.BalloonStats;
import dev.memvisor.libvirt.DomainCgroup;
import dev.memvisor.libvirt.DomainId;
import dev.memvisor.libvirt.DomainLifecycleListener;
import dev.memvisor.libvirt.DomainMemory;
import dev.memvisor.libvirt.DomainXml;
import dev.memvisor.libvirt.LibvirtCallException;
import dev.memvisor.libvirt.LibvirtClient;
import dev.memvisor.libvirt.MemTune;
import dev.memvisor.libvirt.MemvisorMetadata;
import dev.memvisor.libvirt.VirtioMemDevice;
import dev.memvisor.qemu.act.CgroupSetting;
import dev.memvisor.qemu.act.MemoryCgroup;
import dev.memvisor.qemu.act.QmpBalloon;
import dev.memvisor.qemu.act.VirtioMemPlug;
import dev.memvisor.qemu.collect.ActiveMemorySources;
import dev.memvisor.qemu.collect.ActiveMemoryWindow;
import dev.memvisor.qemu.collect.MemInfo;
import dev.memvisor.qemu.collect.MemoryPressure;
import dev.memvisor.qemu.collect.QemuProcessStats;
import dev.memvisor.qemu.manager.Effects;
import dev.memvisor.qemu.manager.FreeMemory;
import dev.memvisor.qemu.manager.HostConfig;
import dev.memvisor.qemu.manager.HostPaths;
import dev.memvisor.qemu.manager.HostReadings;
import dev.memvisor.qemu.manager.KsmKeeper;
import dev.memvisor.qemu.manager.Observation;
import dev.memvisor.qemu.manager.ProbeRound;
import dev.memvisor.qemu.manager.QemuHost;
import dev.memvisor.qemu.manager.RealHost;
import dev.memvisor.qemu.manager.VmLoad;
import dev.memvisor.qemu.manager.VmSample;
import dev.memvisor.qemu.manager.ZswapKeeper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * libvirt's running domains as a {@link RealHost} of core's control loop: every domain with a balloon
 * device is managed, as domains start and stop, with no configuration. Observing reads each managed
 * domain through {@link LibvirtClient} (balloon statistics) and its QEMU through /proc (resident
 * memory, KSM, vCPU time, active memory) at once, each with its own deadline ({@link ProbeRound}), so
 * a hung libvirtd or QEMU costs a decision at most that deadline; a domain that cannot be observed
 * keeps counting the memory its QEMU holds. Applying sets the balloon with the live flag
 * ({@code virsh setmem --live}), the plugged size of a domain's virtio-mem device (its {@code <requested>},
 * live, as {@code virsh update-memory-device} does), the plan's host reclamation through memtune ({@code hard_limit},
 * {@code soft_limit}: libvirt's own interface to the domain's memory cgroup, which it keeps across
 * its restarts) when host.yaml's {@code cgroups} is on, zswap while a plan lets a domain be compressed
 * ({@link ZswapKeeper}), and the sharing rate through KSM.
 * <p>
 * A domain that starts is introduced (its memory, balloon device, memvisor's metadata, memtune, QEMU
 * pid; the balloon statistics period set when it is 0) and admitted by core's
 * {@link AdmissionControl} against the budget (or MemTotal), or reported once with why it is not
 * managed: no balloon device, settings that contradict each other, refused by admission control
 * (admitted later when room frees up), or a name a QEMU of host.yaml already has. A domain that
 * stops is forgotten (the controller's past actions for it too). When libvirtd restarts, the client
 * reconnects by itself and reports only what started or stopped meanwhile; the managed domains stay
 * as they are. Closing puts back the memtune values memvisor changed and leaves the balloons as they are.
 */
public final class LibvirtHost implements RealHost {
    /** DAMON kdamonds made for domains when this host measures active memory itself (one per domain at a time; more domains count as all active). */
    public static final int DAMON_SLOTS = 32;
    /** How often a connection that was never made is tried again (libvirt.enabled: true). */
    private static final long REOPEN_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final HostConfig config;
    private final HostPaths paths;
    private final Consumer<String> events;
    private final ActiveMemoryWindow activeMemory;
    private final boolean ownsActiveMemory;
    private final KsmKeeper ksm;
    private final ZswapKeeper zswap;
    private final Set<String> takenNames;
    private final List<VmSettings> othersAdmitted;
    private final ExecutorService pool;
    private final Queue<Runnable> lifecycle = new ConcurrentLinkedQueue<>();
    /** The domain runs seen, by UUID, in the order they were first seen (deciding thread only). */
    private final Map<String, ManagedDomain> domains = new LinkedHashMap<>();
    private final DomainLifecycleListener listener = new DomainLifecycleListener() {
        @Override
        public void started(DomainId d) {
            lifecycle.add(() -> onStarted(d));
        }

        @Override
        public void stopped(DomainId d) {
            lifecycle.add(() -> onStopped(d));
        }

        @Override
        public void reconnected(String uri) {
            lifecycle.add(() -> domains.values().forEach(v -> v.statsChecked = false));
        }
    };
    private volatile LibvirtClient client;
    private Future<LibvirtClient> opening;
    private long lastOpenNanos;
    private String lastOpenError;
    private Consumer<String> onReconnect = vm -> { };
    private volatile long budgetBytes;
    private boolean intervalObservation = true;
    private Observation last;
    private VmLoad lastLoad = VmLoad.NONE;
    private final Map<String, Long> sentGuestBytes = new LinkedHashMap<>();
    private final Map<String, Long> pluggedSent = new LinkedHashMap<>();
    private long balloonSentNanos = -1;
    /** Whether the host has swap (SwapTotal > 0) at the last observation: without it a hard limit below what a domain holds can only OOM-kill it. */
    private boolean hostSwap;

    /**
     * Connects to libvirt ({@code config.libvirt().uri()}) and introduces the domains running now, so
     * the first observation sees them.
     *
     * @param activeMemory   the active-memory monitor to use (shared with other groups of VMs), or null to make one (closed with this host)
     * @param ksm            KSM's keeper (null: this host keeps none, another group of the manager does)
     * @param takenNames     names of VMs managed otherwise (host.yaml's QEMUs): a domain of such a name is not managed
     * @param othersAdmitted settings of the VMs admitted otherwise, which admission control counts first
     * @param wait           when libvirtd does not answer now: keep trying at each observation (true) or fail (false)
     * @param events         receives one line per notable event (a domain managed, not managed and why, stopped, failing)
     * @throws LibvirtCallException when libvirtd does not answer and {@code wait} is false (or libvirt.so.0 is missing)
     */
    public LibvirtHost(HostConfig config, HostPaths paths, ActiveMemoryWindow activeMemory, KsmKeeper ksm, Set<String> takenNames,
                       List<VmSettings> othersAdmitted, boolean wait, Consumer<String> events) {
        this(config, paths, activeMemory, ksm, null, takenNames, othersAdmitted, wait, events);
    }

    /**
     * As {@link #LibvirtHost(HostConfig, HostPaths, ActiveMemoryWindow, KsmKeeper, Set, List, boolean, Consumer)}, with
     * zswap kept by {@code zswap} (shared with the manager's other groups: zswap is host-wide), or null to keep it here.
     */
    public LibvirtHost(HostConfig config, HostPaths paths, ActiveMemoryWindow activeMemory, KsmKeeper ksm, ZswapKeeper zswap, Set<String> takenNames,
                       List<VmSettings> othersAdmitted, boolean wait, Consumer<String> events) {
        this.config = config;
        this.paths = paths;
        this.events = events;
        this.takenNames = Set.copyOf(takenNames);
        this.othersAdmitted = List.copyOf(othersAdmitted);
        this.budgetBytes = config.budgetBytes();
        this.ksm = ksm == null ? KsmKeeper.none() : ksm;
        this.zswap = zswap == null ? ZswapKeeper.of(config, paths, events) : zswap;
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "memvisor-libvirt-probe");
            t.setDaemon(true);
            return t;
        });
        LibvirtClient c;
        try {
            c = LibvirtClient.open(config.libvirt().uri(), listener, events);
        } catch (LibvirtCallException e) {
            if (!wait || e.getCause() instanceof LinkageError) {
                pool.shutdownNow();
                throw e;
            }
            c = null;
            lastOpenNanos = System.nanoTime();
            lastOpenError = e.getMessage();
            events.accept(e.getMessage() + "; trying again every " + TimeUnit.NANOSECONDS.toSeconds(REOPEN_NANOS) + " s");
        }
        this.client = c;
        this.ownsActiveMemory = activeMemory == null;
        if (activeMemory == null) {
            ActiveMemorySources.Choice choice = ActiveMemorySources.choose(paths.damonAdmin(), paths.procRoot(), DAMON_SLOTS,
                    config.interval().toNanos() / 1000);
            this.activeMemory = new ActiveMemoryWindow(choice.source(), config.interval().toMillis());
            events.accept(choice.logLine());
        } else {
            this.activeMemory = activeMemory;
        }
        // the domains running now are introduced before the first observation, which then sees them
        processLifecycle();
        long end = System.nanoTime() + vmDeadline().toNanos();
        introduce(0);
        admitIntroduced(end, new LinkedHashMap<>());
    }

    /** The longest one domain's observation (or one libvirt call of an action) may take: the manager's QMP timeout with the same grace as QEMU's. */
    public Duration vmDeadline() {
        return Duration.ofMillis((long) (config.qmpTimeout().toMillis() * QemuHost.PROBE_GRACE));
    }

    /** Whether libvirtd is connected now. */
    public boolean connected() {
        LibvirtClient c = client;
        return c != null && c.connected();
    }

    /** The domains managed now, by name, in the order they were first seen. */
    public List<String> managed() {
        return domains.values().stream().filter(d -> d.state == ManagedDomain.State.MANAGED).map(ManagedDomain::name).toList();
    }

    @Override
    public HostView observe(long nowMillis) {
        sentGuestBytes.clear();
        pluggedSent.clear();
        balloonSentNanos = -1;
        HostReadings readings = HostReadings.read(paths);
        hostSwap = readings.memInfo().get("SwapTotal") > 0;
        ensureClient();
        processLifecycle();
        long end = System.nanoTime() + vmDeadline().toNanos();
        introduce(nowMillis);
        List<ManagedDomain> managed = domains.values().stream().filter(d -> d.state == ManagedDomain.State.MANAGED).toList();
        ProbeRound.Result r = ProbeRound.run(managed, pool, vmDeadline(), intervalObservation, new ProbeRound.Probe<>() {
            @Override
            public VmSample observe(ManagedDomain vm) {
                return sample(requireClient(), vm, vm.settings, nowMillis);
            }

            @Override
            public long held(ManagedDomain vm) {
                return vm.costNow(paths.procRoot());
            }
        }, "libvirtd or QEMU hung?", events);
        Map<String, VmSample> samples = new LinkedHashMap<>(r.samples());
        long used = r.load().usedBytes();
        int observed = r.load().observedVms();
        // domains introduced meanwhile join this observation when admission control admits them
        for (VmSample s : admitIntroduced(end, samples)) {
            used += s.view().consumedBytes();
            observed++;
        }
        Map<String, Long> held = new LinkedHashMap<>(r.held());
        long heldSum = r.load().heldBytes();
        Map<String, String> unmanaged = new LinkedHashMap<>();
        long machine = machineBytes(readings.memInfo());
        for (ManagedDomain d : domains.values()) {
            if (d.state == ManagedDomain.State.UNMANAGED && d.admissible) reconsider(d, machine);
            if (d.state == ManagedDomain.State.MANAGED || d.why == null) continue;
            unmanaged.put(d.name(), d.why);
            long h = heldNow(d);
            if (h > 0) {
                held.put(d.name(), h);
                heldSum += h;
            }
        }
        lastLoad = new VmLoad(used, observed, heldSum);
        FreeMemory f = lastLoad.free(budgetBytes, config.overheadPerVmBytes(), readings.memInfo());
        List<VmView> views = new ArrayList<>();
        Map<String, VmSample> ordered = new LinkedHashMap<>();
        ZswapKeeper.estimateCompression(samples, readings);
        for (ManagedDomain d : domains.values()) {
            VmSample s = samples.get(d.name());
            if (s != null && d.state == ManagedDomain.State.MANAGED) {
                views.add(s.view());
                ordered.put(d.name(), s);
            }
        }
        HostView view = new HostView(nowMillis, f.machineBytes(), f.freeBytes(), config.overheadPerVmBytes(), views);
        last = new Observation(view, ordered, r.errors(), held, unmanaged, readings, ksm.error());
        return view;
    }

    @Override
    public void apply(Action action) {
        if (action instanceof Action.SharingRate s) {
            ksm.apply(s.pagesPerSecond());
        } else if (action instanceof Action.Balloon b) {
            balloon(domain(b.vm()), b);
        } else if (action instanceof Action.HostReclaim r) {
            reclaim(domain(r.vm()), r);
        } else if (action instanceof Action.Plug p) {
            plug(domain(p.vm()), p);
        } else {
            throw new IllegalArgumentException("libvirt domains cannot carry out a " + action.kind() + " action");
        }
    }

    /**
     * The plugged size through the domain's virtio-mem device: its {@code <requested>}, live
     * ({@link LibvirtClient#setVirtioMemRequested}); the guest gets there at its own pace, timed as a QEMU's
     * device is ({@link VirtioMemPlug}: from libvirt's answer until an observation sees {@code <current>} there).
     */
    private void plug(ManagedDomain vm, Action.Plug p) {
        VirtioMemDevice dev = vm.virtioMem;
        VirtioMemPlug timer = vm.plug();
        if (dev == null || timer == null) {
            throw new IllegalStateException("no virtio-mem device (<memory model='virtio-mem'>) to plug " + Size.format(p.pluggedBytes()) + " into");
        }
        call(vm, () -> {
            requireClient().setVirtioMemRequested(vm.id, dev, p.pluggedBytes());
            return null;
        });
        timer.requested(p.pluggedBytes(), System.currentTimeMillis() * 1000);
        pluggedSent.put(vm.name(), p.pluggedBytes());
    }

    /**
     * The balloon, live only: libvirt's current memory is what the guest keeps, so the balloon holds the rest
     * of its memory (of its boot memory with a virtio-mem device: QEMU's balloon does not count that device's memory).
     */
    private void balloon(ManagedDomain vm, Action.Balloon b) {
        long guest = QmpBalloon.guestBytes(vm.balloonBaseBytes(vm.settings.configuredBytes()), b.balloonBytes());
        if (!vm.balloonOrder(guest)) return;
        try {
            call(vm, () -> {
                requireClient().setCurrentMemory(vm.id, guest);
                return null;
            });
        } catch (RuntimeException e) {
            vm.forgetBalloon();
            throw e;
        }
        vm.balloonSent(guest);
        sentGuestBytes.put(vm.name(), guest);
        balloonSentNanos = System.nanoTime();
    }

    /**
     * The plan's host-swap target and allocation blocking through memtune, as QEMU's cgroup carries
     * them ({@link CgroupSetting}): hard_limit is the cgroup's limit (v2 memory.max), soft_limit its
     * throttle (v2 memory.high, v1 soft_limit_in_bytes). memtune is what memvisor found it first, put
     * back on close. Nothing without host.yaml's {@code cgroups}. On a host without swap the kernel can
     * keep a limit below what QEMU holds only by killing it (the memory cgroup's OOM killer), so there
     * hard_limit stays at least the domain's memory plus {@code cgroupHeadroom} (it stops a runaway
     * QEMU, no more) and the swap and block modes act through soft_limit alone; said once per domain.
     * The throttle mode (the psi policy) is soft_limit too: memory.high on cgroup v2, on v1 only a soft
     * limit the kernel reclaims toward under host pressure; a domain's own memory pressure is not observed,
     * so the psi policy leaves it at its ceiling. Compression: zswap ({@link #compress}). Each said once per domain.
     */
    private void reclaim(ManagedDomain vm, Action.HostReclaim r) {
        vm.compressionAllowed = r.compressionAllowed();
        // the host's compressed swap follows every domain's plan; a failure there is reported, memtune is still set
        String zswapFailure = compress(vm, r);
        tune(vm, r);
        if (zswapFailure != null) throw new IllegalStateException(zswapFailure);
    }

    /**
     * zswap as the plans of all managed domains want it ({@link ZswapKeeper}: host-wide, on while some domain may be
     * compressed), and the domain's own cap, {@code memory.zswap.max}, where its cgroup is v2 and accounts zswap
     * (libvirt's group of the domain, {@link DomainCgroup}); elsewhere (a v1 or hybrid host) its pages share the
     * host-wide pool, said once per domain. Returns why something could not be set, or null.
     */
    private String compress(ManagedDomain vm, Action.HostReclaim r) {
        Map<String, Boolean> allowed = new LinkedHashMap<>();
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (ManagedDomain d : domains.values()) {
            VmSettings s = d.settings;
            if (d.state != ManagedDomain.State.MANAGED || s == null) continue;
            allowed.put(d.name(), d.compressionAllowed);
            sizes.put(d.name(), s.configuredBytes());
        }
        String failure = zswap.update("libvirt", allowed, sizes);
        if (!zswap.manages()) return failure;
        java.nio.file.Path dir = vm.pressureDir;
        MemoryCgroup cg = dir == null ? null : MemoryCgroup.existingV2(dir);
        if (cg == null || !cg.zswapAccounted()) {
            if (r.compressionAllowed() && !vm.compressionReported) {
                events.accept("vm " + vm.name() + ": compressed (zswap) within the host-wide pool only, no per-domain memory.zswap.max: "
                        + (dir == null ? vm.pressureWhy : dir + " has no memory.zswap.max (a kernel without zswap accounting)"));
                vm.compressionReported = true;
            }
            return failure;
        }
        long cap = zswap.vmCapBytes(r.compressionAllowed(), vm.settings.configuredBytes());
        if (cap == vm.lastZswapMaxBytes) return failure;
        try {
            if (vm.foundZswapMaxBytes < 0) vm.foundZswapMaxBytes = cg.zswapMax();
            cg.setZswapMax(cap);
            vm.lastZswapMaxBytes = cap;
            return failure;
        } catch (RuntimeException e) {
            return (failure == null ? "" : failure + "; ") + "memory.zswap.max not set: " + e.getMessage();
        }
    }

    /** The plan's cgroup setting through memtune (see {@link #reclaim}). */
    private void tune(ManagedDomain vm, Action.HostReclaim r) {
        if (r.throttle() && !vm.throttleReported) {
            events.accept("vm " + vm.name() + ": the throttle mode acts through memtune soft_limit (memory.high on cgroup v2; on v1 a soft limit"
                    + " reclaimed only under host pressure)" + (vm.pressureDir != null ? "; its memory pressure from " + vm.pressureDir
                    : "; its memory pressure is not observed (" + vm.pressureWhy + "), so the psi policy does not probe it"));
            vm.throttleReported = true;
        }
        if (!config.cgroups()) return;
        CgroupSetting plan = CgroupSetting.of(r, config.cgroupHeadroomBytes(), config.overheadPerVmBytes());
        CgroupSetting want = plan;
        long floor = vm.settings.configuredBytes() + config.cgroupHeadroomBytes();
        if (!hostSwap && plan.limitBytes() < floor) {
            want = new CgroupSetting(plan.mode(), floor, plan.highBytes());
            if (!vm.swapGuardReported) {
                events.accept("vm " + vm.name() + ": memtune hard_limit kept at " + Size.format(floor) + " (its memory + cgroupHeadroom), not "
                        + Size.format(plan.limitBytes()) + ": this host has no swap, so a lower limit could only OOM-kill the domain;"
                        + " the plan's " + plan.mode() + " mode acts through soft_limit" + (plan.highBytes() == CgroupSetting.NONE ? " (none in this mode)" : ""));
                vm.swapGuardReported = true;
            }
        }
        if (want.equals(vm.lastTune)) return;
        CgroupSetting set = want;
        try {
            call(vm, () -> {
                LibvirtClient c = requireClient();
                if (vm.foundTune == null) vm.foundTune = c.memtune(vm.id);
                c.setMemtune(vm.id, MemTune.UNCHANGED.withHardLimit(set.limitBytes())
                        .withSoftLimit(set.highBytes() == CgroupSetting.NONE ? MemTune.UNLIMITED : set.highBytes()));
                return null;
            });
            vm.lastTune = set;
        } catch (RuntimeException e) {
            vm.lastTune = null;
            throw new IllegalStateException("memtune " + set.mode() + " hard_limit " + Size.format(set.limitBytes()) + " not applied: " + e.getMessage(), e);
        }
    }

    /** One libvirt call of an action, bounded by the deadline; one at a time per domain. */
    private void call(ManagedDomain vm, Callable<Void> f) {
        if (vm.call != null && !vm.call.isDone()) {
            throw new IllegalStateException("the previous libvirt call for it has not returned yet (libvirtd hung?)");
        }
        Future<Void> fut = pool.submit(f);
        vm.call = fut;
        try {
            fut.get(vmDeadline().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("libvirtd did not answer within " + vmDeadline().toMillis() + " ms (hung?); the call may still take effect");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException x ? x : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public FreeMemory quickFree() {
        long budget = budgetBytes;
        return quickLoad().free(budget, config.overheadPerVmBytes(), budget > 0 ? null : MemInfo.read(paths.procRoot()));
    }

    @Override
    public VmLoad quickLoad() {
        long used = 0, held = 0;
        int observed = 0;
        for (ManagedDomain d : domains.values()) {
            long c = heldNow(d);
            if (d.state == ManagedDomain.State.MANAGED && d.observed()) {
                used += d.betweenIntervals(c);
                observed++;
            } else {
                held += c;
            }
        }
        return new VmLoad(used, observed, held);
    }

    @Override
    public VmLoad lastLoad() {
        return lastLoad;
    }

    @Override
    public void nextObservation(Trigger trigger) {
        intervalObservation = trigger == Trigger.INTERVAL;
    }

    @Override
    public Observation lastObservation() {
        return last;
    }

    @Override
    public Effects effects() {
        Map<String, CgroupSetting> tunes = new LinkedHashMap<>();
        for (ManagedDomain d : domains.values()) {
            CgroupSetting t = d.lastTune;
            if (t != null && d.state == ManagedDomain.State.MANAGED) tunes.put(d.name(), t);
        }
        Map<String, Long> zswapMax = new LinkedHashMap<>();
        for (ManagedDomain d : domains.values()) {
            if (d.lastZswapMaxBytes >= 0 && d.state == ManagedDomain.State.MANAGED) zswapMax.put(d.name(), d.lastZswapMaxBytes);
        }
        return new Effects(sentGuestBytes, tunes, ksm.knobs(), balloonSentNanos, pluggedSent, zswap.settings(), zswapMax);
    }

    /** The domain's virtio-mem device as this host drives it (null without one, or no such managed domain), for its plug times. */
    @Override
    public VirtioMemPlug virtioMem(String vm) {
        for (ManagedDomain d : domains.values()) if (d.state == ManagedDomain.State.MANAGED && d.name().equals(vm)) return d.plug();
        return null;
    }

    @Override
    public void onReconnect(Consumer<String> listener) {
        this.onReconnect = listener;
    }

    @Override
    public void setBudget(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("budget must be >= 0, got " + bytes);
        budgetBytes = bytes;
    }

    /**
     * Puts back the memtune values memvisor changed on the domains still running, disconnects from
     * libvirt, releases the active-memory monitor it made, zswap's settings and KSM's knobs; the domains keep running
     * with their balloons as they are.
     */
    @Override
    public void close() {
        LibvirtClient c = client;
        for (ManagedDomain d : domains.values()) {
            MemTune found = d.foundTune;
            if (found == null || d.lastTune == null || c == null) continue;
            try {
                call(d, () -> {
                    c.setMemtune(d.id, MemTune.UNCHANGED.withHardLimit(found.hardLimitBytes()).withSoftLimit(found.softLimitBytes()));
                    return null;
                });
                events.accept("vm " + d.name() + ": memtune put back as found (" + found + ")");
            } catch (RuntimeException e) {
                events.accept("vm " + d.name() + ": memtune not put back (" + found + "): " + e.getMessage());
            }
        }
        for (ManagedDomain d : domains.values()) {
            java.nio.file.Path dir = d.pressureDir;
            if (d.foundZswapMaxBytes < 0 || dir == null) continue;
            try {
                MemoryCgroup.existingV2(dir).setZswapMax(d.foundZswapMaxBytes);
            } catch (RuntimeException e) {
                events.accept("vm " + d.name() + ": memory.zswap.max not put back: " + e.getMessage());
            }
        }
        if (c != null) c.close();
        Future<LibvirtClient> o = opening;
        if (o != null) {
            o.cancel(true);
            try {
                LibvirtClient late = o.isCancelled() ? null : o.get(0, TimeUnit.MILLISECONDS);
                if (late != null) late.close();
            } catch (ExecutionException | TimeoutException | InterruptedException | java.util.concurrent.CancellationException e) {
                // never connected
            }
        }
        pool.shutdownNow();
        if (ownsActiveMemory) activeMemory.close();
        zswap.restore();
        ksm.restore();
    }

    // ---- domains ----------------------------------------------------------------------------

    private void processLifecycle() {
        for (Runnable r; (r = lifecycle.poll()) != null; ) r.run();
    }

    private void onStarted(DomainId d) {
        ManagedDomain old = domains.get(d.uuid());
        if (old != null && old.id.id() == d.id()) return;
        if (old != null) drop(old, "restarted");
        ManagedDomain vm = new ManagedDomain(d);
        domains.put(d.uuid(), vm);
        if (takenNames.contains(d.name())) {
            vm.state = ManagedDomain.State.UNMANAGED;
            vm.why = "a QEMU of host.yaml's vms (or of the run directory) has this name; rename one of them";
            events.accept("vm " + d.name() + ": libvirt domain not managed: " + vm.why);
        }
    }

    private void onStopped(DomainId d) {
        ManagedDomain old = domains.get(d.uuid());
        if (old != null && old.id.id() == d.id()) drop(old, "stopped");
    }

    /** Forgets a domain run that ended: the controller's actions for it, its active-memory window and slot. */
    private void drop(ManagedDomain vm, String how) {
        domains.remove(vm.id.uuid());
        if (vm.introduction != null) vm.introduction.cancel(true);
        if (vm.state == ManagedDomain.State.MANAGED) {
            events.accept("vm " + vm.name() + ": domain " + how + "; no longer managed");
            onReconnect.accept(vm.name());
        }
        activeMemory.release(vm.name());
    }

    /** Starts the introduction of every new domain that has none under way. */
    private void introduce(long nowMillis) {
        LibvirtClient c = client;
        if (c == null) return;
        for (ManagedDomain d : domains.values()) {
            if (d.state != ManagedDomain.State.NEW || d.introduction != null && !d.introduction.isDone()) continue;
            d.introduction = pool.submit(() -> introduction(c, d, nowMillis));
        }
    }

    /**
     * Waits until {@code endNanos} for the introductions under way; each one finished makes its
     * domain managed (admitted), not managed (and why), or leaves it new when it failed (tried again
     * at the next observation). Returns the first samples of the domains managed now, which are also
     * put in {@code samples}.
     */
    private List<VmSample> admitIntroduced(long endNanos, Map<String, VmSample> samples) {
        List<VmSample> joined = new ArrayList<>();
        MemInfo mem = null;
        // admitted in the order they started (libvirt numbers the runs of a host in that order)
        List<ManagedDomain> byStart = new ArrayList<>(domains.values());
        byStart.sort(java.util.Comparator.comparingInt(d -> d.id.id()));
        for (ManagedDomain d : byStart) {
            if (d.state != ManagedDomain.State.NEW || d.introduction == null) continue;
            ManagedDomain.Introduction in;
            try {
                in = d.introduction.get(Math.max(0, endNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                continue;
            } catch (ExecutionException e) {
                d.introduction = null;
                String why = "not managed yet: " + (e.getCause().getMessage() == null ? e.getCause().toString() : e.getCause().getMessage());
                if (!why.equals(d.why)) events.accept("vm " + d.name() + ": " + why);
                d.why = why;
                continue;
            } catch (InterruptedException | java.util.concurrent.CancellationException e) {
                d.introduction = null;
                continue;
            }
            d.introduction = null;
            in.notes().forEach(n -> events.accept("vm " + d.name() + ": " + n));
            d.pid = in.pid();
            if (in.settings() == null) {
                d.state = ManagedDomain.State.UNMANAGED;
                d.why = in.why();
                events.accept("vm " + d.name() + ": libvirt domain not managed: " + d.why);
                continue;
            }
            d.settings = in.settings();
            if (mem == null) mem = budgetBytes > 0 ? null : MemInfo.read(paths.procRoot());
            if (!admit(d, machineBytes(mem))) continue;
            d.seen(in.first(), intervalObservation);
            samples.put(d.name(), in.first());
            joined.add(in.first());
        }
        return joined;
    }

    /** Admission control for an introduced domain against the VMs admitted before it; says what happened. */
    private boolean admit(ManagedDomain d, long machineBytes) {
        AdmissionDecision a = admission(d, machineBytes);
        VmSettings s = d.settings;
        if (a.admitted()) {
            d.state = ManagedDomain.State.MANAGED;
            d.why = null;
            d.admissible = false;
            events.accept("vm " + d.name() + ": libvirt domain managed (pid " + d.pid + ", " + Size.format(s.configuredBytes()) + ", reservation "
                    + Size.format(s.reservationBytes()) + ", limit " + Size.format(s.limitBytes()) + ", shares " + s.shares()
                    + (s.ballooning() ? "" : ", ballooning off") + ", memory pressure "
                    + (d.pressureDir != null ? "from " + d.pressureDir : "not observed: " + d.pressureWhy) + ")");
            return true;
        }
        String why = "admission control against " + (budgetBytes > 0 ? "the budget" : "MemTotal") + " (" + Size.format(machineBytes) + "): " + a.message();
        if (!why.equals(d.why)) events.accept("vm " + d.name() + ": libvirt domain not managed: " + why);
        d.state = ManagedDomain.State.UNMANAGED;
        d.why = why;
        d.admissible = true;
        return false;
    }

    /** A domain refused by admission control is admitted once room frees up (a domain stopped, the budget raised). */
    private void reconsider(ManagedDomain d, long machineBytes) {
        if (admission(d, machineBytes).admitted()) admit(d, machineBytes);
    }

    private AdmissionDecision admission(ManagedDomain d, long machineBytes) {
        List<VmSettings> admitted = new ArrayList<>(othersAdmitted);
        for (ManagedDomain o : domains.values()) if (o.state == ManagedDomain.State.MANAGED) admitted.add(o.settings);
        return new AdmissionControl(Math.max(1, machineBytes), config.overheadPerVmBytes()).admit(admitted, d.settings);
    }

    private long machineBytes(MemInfo mem) {
        long budget = budgetBytes;
        if (budget > 0) return budget;
        return (mem == null ? MemInfo.read(paths.procRoot()) : mem).totalBytes();
    }

    /**
     * A new domain's facts and first sample (on a pool thread): its balloon device, memory, memvisor's
     * metadata and memtune, its settings from them and host.yaml, its QEMU pid, and the balloon
     * statistics period set when it is 0 (the guest then reports once at boot and never again).
     */
    private ManagedDomain.Introduction introduction(LibvirtClient c, ManagedDomain d, long nowMillis) {
        List<String> notes = new ArrayList<>();
        DomainXml x = c.domainXml(d.id);
        long pid = c.qemuPid(d.id).orElse(-1);
        if (!x.hasBalloon()) {
            String device = x.balloonModel().isEmpty() ? "no <memballoon>" : "<memballoon model='" + x.balloonModel() + "'/>";
            return new ManagedDomain.Introduction(null, "no balloon device (" + device + "), so memvisor cannot reclaim its memory;"
                    + " its memory still counts against the host", pid, null, notes);
        }
        x.metadataProblem().ifPresent(p -> notes.add(p + "; memvisor's settings in it are ignored"));
        DomainMemory m = c.memory(d.id);
        MemTune tune;
        try {
            tune = c.memtune(d.id);
        } catch (LibvirtCallException e) {
            if (e.kind() != LibvirtCallException.Kind.UNSUPPORTED) throw e;
            tune = MemTune.UNCHANGED;
        }
        // with a virtio-mem device the domain can have its boot memory and the device's whole region, as a QEMU of host.yaml
        VirtioMemDevice dev = x.virtioMem().orElse(null);
        long configured = dev == null ? m.maxMemoryBytes() : dev.bootBytes() + dev.sizeBytes();
        VmSettings s;
        try {
            s = DomainSettings.resolve(d.name(), configured, config.libvirt().domain(d.name()),
                    x.metadataProblem().isPresent() ? MemvisorMetadata.NONE : x.metadata(), tune);
        } catch (IllegalArgumentException e) {
            return new ManagedDomain.Introduction(null, "settings: " + e.getMessage(), pid, null, notes);
        }
        if (x.statsPeriodSeconds() == 0) {
            int period = statsPeriodSeconds();
            c.setStatsPeriod(d.id, period);
            notes.add("balloon statistics period set to " + period + " s (it was 0: the guest reported nothing after boot)");
        }
        d.statsChecked = true;
        d.pid = pid;
        StringBuilder why = new StringBuilder();
        d.pressureDir = DomainCgroup.pressureDir(paths.procRoot(), MemoryCgroup.unifiedRoot(paths.cgroupRoot()), pid, why);
        d.pressureWhy = d.pressureDir == null ? why.toString() : null;
        if (dev != null) {
            d.hotplug(dev);
            notes.add("virtio-mem device" + (dev.alias().isEmpty() ? "" : " " + dev.alias()) + ": boot memory " + Size.format(dev.bootBytes()) + " + a region of "
                    + Size.format(dev.sizeBytes()) + " in " + Size.format(dev.blockBytes()) + " blocks, " + Size.format(dev.currentBytes()) + " plugged");
        }
        return new ManagedDomain.Introduction(s, null, pid, sample(c, d, s, nowMillis), notes);
    }

    /** One domain now: its balloon (and virtio-mem device) from libvirt, its QEMU from /proc. */
    private VmSample sample(LibvirtClient c, ManagedDomain d, VmSettings s, long nowMillis) {
        if (!d.statsChecked) {
            int period = statsPeriodSeconds();
            if (c.ensureStatsPeriod(d.id, period)) {
                events.accept("vm " + d.name() + ": balloon statistics period set to " + period + " s (it was 0 after libvirtd restarted)");
            }
            d.statsChecked = true;
        }
        BalloonStats b = c.balloonStats(d.id);
        long actual = b.actualBytes() >= 0 ? b.actualBytes() : c.memory(d.id).currentMemoryBytes();
        long pid = c.qemuPid(d.id).orElse(-1);
        if (pid != d.pid) {
            activeMemory.forget(d.name());
            d.pid = pid;
        }
        QemuProcessStats p = pid > 0 ? QemuProcessStats.read(paths.procRoot(), pid) : null;
        long active = p == null ? -1 : activeMemory.activeBytes(d.name(), pid, s.configuredBytes(), nowMillis);
        boolean g = b.guestReported();
        HotplugMemory hot = null;
        if (d.virtioMem != null) {
            // <current> follows QEMU's MEMORY_DEVICE_SIZE_CHANGE events (libvirt's processMemoryDeviceSizeChange)
            VirtioMemDevice dev = c.domainXml(d.id).virtioMem()
                    .orElseThrow(() -> new IllegalStateException("its virtio-mem device is gone from the live XML"));
            d.hotplugSeen(dev, System.currentTimeMillis() * 1000);
            hot = dev.hotplug();
        }
        return VmSample.of(s, actual, p, active, g ? b.unusedBytes() : -1, g ? b.availableBytes() : -1, g ? b.usableBytes() : -1,
                hot, stallMicros(d));
    }

    /** The domain's memory stall total (PSI some of its v2 group), or UNKNOWN when not observed; a read that fails is UNKNOWN this time. */
    private static long stallMicros(ManagedDomain d) {
        java.nio.file.Path dir = d.pressureDir;
        if (dir == null) return VmView.UNKNOWN;
        try {
            return MemoryPressure.readCgroup(dir).someTotalMicros();
        } catch (RuntimeException e) {
            return VmView.UNKNOWN;
        }
    }

    /** The balloon statistics period memvisor sets: the control interval in whole seconds, at least 1. */
    private int statsPeriodSeconds() {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, config.interval().toSeconds()));
    }

    private long heldNow(ManagedDomain d) {
        try {
            return d.costNow(paths.procRoot());
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private ManagedDomain domain(String name) {
        for (ManagedDomain d : domains.values()) {
            if (d.state == ManagedDomain.State.MANAGED && d.name().equals(name)) return d;
        }
        throw new IllegalArgumentException("no managed libvirt domain " + name);
    }

    private LibvirtClient requireClient() {
        LibvirtClient c = client;
        if (c == null) throw new IllegalStateException("libvirt " + config.libvirt().uri() + ": not connected (" + lastOpenError + ")");
        return c;
    }

    /** With libvirt.enabled: true and no connection yet, tries again every few seconds, off the deciding thread. */
    private void ensureClient() {
        if (client != null) return;
        if (opening != null && opening.isDone()) {
            try {
                client = opening.get();
                events.accept("libvirt " + config.libvirt().uri() + ": connected");
            } catch (ExecutionException e) {
                String msg = e.getCause().getMessage();
                if (msg != null && !msg.equals(lastOpenError)) events.accept(msg + "; trying again every " + TimeUnit.NANOSECONDS.toSeconds(REOPEN_NANOS) + " s");
                lastOpenError = msg;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            opening = null;
        }
        if (client == null && opening == null && System.nanoTime() - lastOpenNanos >= REOPEN_NANOS) {
            lastOpenNanos = System.nanoTime();
            opening = pool.submit(() -> LibvirtClient.open(config.libvirt().uri(), listener, events));
        }
    }
}
