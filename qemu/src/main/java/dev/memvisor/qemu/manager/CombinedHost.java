package dev.memvisor.qemu.manager;

import dev.memvisor.core.control.Action;
import dev.memvisor.core.control.Trigger;
import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.VmView;
import dev.memvisor.qemu.act.CgroupSetting;
import dev.memvisor.qemu.act.VirtioMemPlug;
import dev.memvisor.qemu.act.ZswapControl;
import dev.memvisor.qemu.collect.ActiveMemoryWindow;
import dev.memvisor.qemu.collect.MemInfo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * One host whose VMs are reached in several ways at once, e.g. libvirt's domains beside QEMUs with
 * their own QMP sockets: each group is a {@link RealHost} of its own, observed at the same time as
 * the others; this host adds their loads into one free memory ({@link VmLoad}), so the policy sees
 * one host and one budget, hands every per-VM action to the group whose VM it is, and keeps what is
 * host-wide itself: KSM ({@link KsmKeeper}) and the active-memory monitor the groups share (its
 * DAMON kdamonds can be made only once). The groups are made without KSM and with that monitor.
 */
public final class CombinedHost implements RealHost {
    private final List<RealHost> groups;
    private final long overheadPerVmBytes;
    private final HostPaths paths;
    private final KsmKeeper ksm;
    private final ActiveMemoryWindow activeMemory;
    private final ExecutorService pool;
    private volatile long budgetBytes;
    private Observation last;
    private VmLoad lastLoad = VmLoad.NONE;
    private final Map<String, RealHost> owner = new LinkedHashMap<>();

    /**
     * Groups observed and acted on together.
     *
     * @param groups       the groups, each made without KSM and with {@code activeMemory}
     * @param config       the host's settings (budget, per-VM overhead)
     * @param activeMemory the monitor the groups share; closed with this host
     * @param ksm          KSM's keeper for the whole host; its knobs are put back on close
     */
    public CombinedHost(List<RealHost> groups, HostConfig config, HostPaths paths, ActiveMemoryWindow activeMemory, KsmKeeper ksm) {
        if (groups.isEmpty()) throw new IllegalArgumentException("no groups of VMs");
        this.groups = List.copyOf(groups);
        this.overheadPerVmBytes = config.overheadPerVmBytes();
        this.budgetBytes = config.budgetBytes();
        this.paths = paths;
        this.ksm = ksm;
        this.activeMemory = activeMemory;
        this.pool = Executors.newFixedThreadPool(groups.size(), r -> {
            Thread t = new Thread(r, "memvisor-group-observer");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public HostView observe(long nowMillis) {
        List<Future<HostView>> futures = new ArrayList<>();
        for (RealHost g : groups) futures.add(pool.submit(() -> g.observe(nowMillis)));
        List<HostView> views = new ArrayList<>();
        for (Future<HostView> f : futures) {
            try {
                views.add(f.get());
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while observing", e);
            }
        }
        VmLoad load = VmLoad.NONE;
        Map<String, VmSample> samples = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        Map<String, Long> held = new LinkedHashMap<>();
        Map<String, String> unmanaged = new LinkedHashMap<>();
        List<VmView> vms = new ArrayList<>();
        owner.clear();
        HostReadings readings = null;
        for (int i = 0; i < groups.size(); i++) {
            RealHost g = groups.get(i);
            Observation o = g.lastObservation();
            load = load.plus(g.lastLoad());
            if (readings == null) readings = o.host();
            for (VmView v : views.get(i).vms()) {
                // names are unique across groups (the groups are made so); the first group keeps a name
                if (owner.putIfAbsent(v.name(), g) == null) vms.add(v);
            }
            o.samples().forEach(samples::putIfAbsent);
            o.errors().forEach(errors::putIfAbsent);
            o.held().forEach(held::putIfAbsent);
            o.unmanaged().forEach(unmanaged::putIfAbsent);
        }
        lastLoad = load;
        FreeMemory f = load.free(budgetBytes, overheadPerVmBytes, readings.memInfo());
        HostView view = new HostView(nowMillis, f.machineBytes(), f.freeBytes(), overheadPerVmBytes, vms);
        last = new Observation(view, samples, errors, held, unmanaged, readings, ksm.error());
        return view;
    }

    @Override
    public void apply(Action action) {
        if (action instanceof Action.SharingRate s) {
            ksm.apply(s.pagesPerSecond());
            return;
        }
        RealHost g = owner.get(action.vm());
        if (g == null) throw new IllegalArgumentException("no managed VM " + action.vm());
        g.apply(action);
    }

    @Override
    public FreeMemory quickFree() {
        long budget = budgetBytes;
        return quickLoad().free(budget, overheadPerVmBytes, budget > 0 ? null : MemInfo.read(paths.procRoot()));
    }

    @Override
    public VmLoad quickLoad() {
        VmLoad load = VmLoad.NONE;
        for (RealHost g : groups) load = load.plus(g.quickLoad());
        return load;
    }

    @Override
    public VmLoad lastLoad() {
        return lastLoad;
    }

    @Override
    public void nextObservation(Trigger trigger) {
        groups.forEach(g -> g.nextObservation(trigger));
    }

    @Override
    public Observation lastObservation() {
        return last;
    }

    @Override
    public Effects effects() {
        Map<String, Long> balloons = new LinkedHashMap<>();
        Map<String, CgroupSetting> cgroups = new LinkedHashMap<>();
        Map<String, Long> plugged = new LinkedHashMap<>();
        Map<String, Long> zswapMax = new LinkedHashMap<>();
        ZswapControl.Settings zswap = null;
        long sent = -1;
        for (RealHost g : groups) {
            Effects e = g.effects();
            balloons.putAll(e.balloonGuestBytes());
            cgroups.putAll(e.cgroups());
            plugged.putAll(e.pluggedRequested());
            zswapMax.putAll(e.zswapMax());
            // zswap is host-wide: the groups share one keeper, so each reports the same settings
            if (zswap == null) zswap = e.zswap();
            sent = Math.max(sent, e.balloonSentNanos());
        }
        return new Effects(balloons, cgroups, ksm.knobs(), sent, plugged, zswap, zswapMax);
    }

    @Override
    public VirtioMemPlug virtioMem(String vm) {
        for (RealHost g : groups) {
            VirtioMemPlug p = g.virtioMem(vm);
            if (p != null) return p;
        }
        return null;
    }

    @Override
    public void onReconnect(Consumer<String> listener) {
        groups.forEach(g -> g.onReconnect(listener));
    }

    @Override
    public void setBudget(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("budget must be >= 0, got " + bytes);
        budgetBytes = bytes;
        groups.forEach(g -> g.setBudget(bytes));
    }

    /** Closes every group, then the shared monitor, then puts KSM's knobs back. */
    @Override
    public void close() {
        pool.shutdownNow();
        for (RealHost g : groups) g.close();
        activeMemory.close();
        ksm.restore();
    }
}
