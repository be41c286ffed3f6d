package dev.memvisor.density.real;

import dev.memvisor.core.policy.PolicyRegistry;
import dev.memvisor.core.unit.Size;
import dev.memvisor.density.DensityBounds;
import dev.memvisor.density.DensitySearch;
import dev.memvisor.density.GuestMeasure;
import dev.memvisor.density.PolicyResult;
import dev.memvisor.density.StepResult;
import dev.memvisor.density.mix.Mix;
import dev.memvisor.density.mix.MixGuest;
import dev.memvisor.qemu.image.GuestImage;
import dev.memvisor.qemu.launch.Guest;
import dev.memvisor.qemu.launch.GuestLauncher;
import dev.memvisor.qemu.launch.GuestStartException;
import dev.memvisor.qemu.launch.RunDirectory;
import dev.memvisor.qemu.manager.Decision;
import dev.memvisor.qemu.manager.HostConfig;
import dev.memvisor.qemu.manager.HostPaths;
import dev.memvisor.qemu.manager.ManagerLoop;
import dev.memvisor.qemu.manager.VmConfig;
import dev.memvisor.qemu.manager.VmSample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The density experiment on real QEMU guests. Per policy: a fresh {@link HostShortage} (the guests'
 * cgroup at the host's size, the swap file behind it), memvisor's manager ({@link ManagerLoop},
 * budget = the host's size, no per-VM cgroups: the kernel's reclaim of the shared cgroup is the
 * hypervisor swap every policy pays), and the guests started one at a time into the cgroup, each
 * step measured over a window ({@link DensitySearch}). The standalone baseline of each guest workload
 * ({@link MixGuest#workloadKey()}): the guest alone in the same cgroup (no shortage: one guest fits), no manager, the same warmup and
 * window. Everything it starts is stopped, and the cgroup and swap file removed, at the end of each
 * policy, on an error, and from a shutdown hook on SIGINT/SIGTERM.
 */
public final class RealDensity implements AutoCloseable {
    /** The longest a guest may take to boot (TCG on two shared cores). */
    static final Duration BOOT = Duration.ofSeconds(180);

    private final Mix mix;
    private final GuestImage image;
    private final Path runDir;
    private final String id;
    private final Consumer<String> log;
    private final GuestFactory factory;
    private final List<Guest> live = new ArrayList<>();
    private final Thread hook;
    private HostShortage shortage;
    private ManagerLoop loop;
    private Thread loopThread;
    private final AtomicBoolean stopLoop = new AtomicBoolean();
    private boolean closed;

    /** An experiment for this mix with guests from {@code image}, files under {@code runDir}; progress lines to {@code log}. */
    public RealDensity(Mix mix, GuestImage image, Path runDir, Consumer<String> log) {
        this.mix = mix;
        this.image = image;
        this.runDir = runDir;
        this.id = Long.toString(ProcessHandle.current().pid());
        this.log = log;
        try {
            Files.createDirectories(runDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + runDir + ": " + e.getMessage(), e);
        }
        this.factory = new GuestFactory(mix, runDir);
        this.hook = new Thread(this::abort, "memvisor-density-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** The accelerator the guests run on (probed once: KVM where /dev/kvm boots a guest, else TCG). */
    public String accelerator() {
        return launcher("probe").accelerator().toString();
    }

    /** The id naming this run's cgroup and swap file (the JVM's pid). */
    public String id() { return id; }

    /**
     * Each guest entry's standalone rate (operations a second), measured alone with no shortage.
     *
     * @throws DensitySearch.StartFailure when a baseline guest does not start
     */
    public Map<Integer, Double> baselines(java.util.Set<Integer> skip) {
        Map<Integer, Double> rates = new LinkedHashMap<>();
        Map<String, Double> byWorkload = new LinkedHashMap<>();
        for (MixGuest g : mix.guests()) {
            if (rates.containsKey(g.entry()) || skip.contains(g.entry())) continue;
            Double same = byWorkload.get(g.workloadKey());
            if (same != null) {
                // an entry with the same workload as one measured: the same baseline
                rates.put(g.entry(), same);
                continue;
            }
            try (HostShortage s = open()) {
                GuestLauncher launcher = launcher("baseline");
                Guest guest = start(launcher, g, g.name() + "-alone", s);
                Window.pass(mix.warmup());
                Window w = new Window(List.of(guest));
                Window.pass(mix.window());
                double rate = w.rate(guest);
                boolean oom = GuestConsole.oomLine(guest.consoleLines()).isPresent() || !guest.alive();
                stopAll();
                if (oom || rate <= 0) {
                    throw new DensitySearch.StartFailure("baseline of " + g.name() + ": the guest alone " + (oom ? "was OOM-killed" : "made no progress")
                            + " (it must run alone with no shortage; check its working set against its memory)" + guest.tails(), null);
                }
                log.accept(String.format(java.util.Locale.ROOT, "baseline %s alone: %.1f operations a second (schedule mean %.1f)", g.name(), rate,
                        g.schedule().meanRate()));
                rates.put(g.entry(), rate);
                byWorkload.put(g.workloadKey(), rate);
            }
        }
        return rates;
    }

    /** Runs the density search for {@code policy} against these baselines (entry -> rate). */
    public PolicyResult run(String policy, DensityBounds bounds, Map<Integer, Double> baselines) {
        if (!PolicyRegistry.names().contains(policy)) throw new IllegalArgumentException("unknown policy " + policy + " (policies: " + PolicyRegistry.names() + ")");
        try (HostShortage s = open()) {
            GuestLauncher launcher = launcher(policy);
            Path dir = runDir.resolve(policy);
            List<VmConfig> vms = new ArrayList<>();
            for (MixGuest g : mix.guests()) {
                vms.add(new VmConfig(g.name(), dir.resolve(g.name()).resolve("qmp.sock"), g.memoryBytes(), g.reservationBytes(), -1, g.shares(), true));
            }
            HostConfig cfg = new HostConfig(policy, mix.policyConfig(), mix.interval(), HostConfig.DEFAULT_STATE_CHECK, mix.hostBytes(),
                    mix.overheadBytes(), 0, null, true, 20, false, 0, vms);
            AtomicReference<Decision> last = new AtomicReference<>();
            AtomicLong violations = new AtomicLong();
            Map<String, MixGuest> byName = new LinkedHashMap<>();
            mix.guests().forEach(g -> byName.put(g.name(), g));
            List<String> startedNames = new java.util.concurrent.CopyOnWriteArrayList<>();
            Consumer<Decision> onDecision = d -> {
                last.set(d);
                for (Map.Entry<String, VmSample> e : d.samples().entrySet()) {
                    // the guest's memory as QEMU reports it, against its reservation (1 MiB for the driver's rounding)
                    if (e.getValue().actualBytes() < byName.get(e.getKey()).reservationBytes() - Size.MIB) violations.incrementAndGet();
                }
            };
            // guests not started yet are configured from the start: the manager reports them unreachable once, which is no news
            Consumer<String> events = e -> {
                boolean notYet = e.contains("not managed this interval") && byName.keySet().stream()
                        .anyMatch(n -> e.startsWith("vm " + n + ":") && !startedNames.contains(n));
                if (!notYet) log.accept("manager (" + policy + "): " + e);
            };
            synchronized (this) {
                loop = new ManagerLoop(cfg, PolicyRegistry.create(policy, mix.policyConfig()), mix.policyConfig(), HostPaths.system(), onDecision, events);
                stopLoop.set(false);
                loopThread = new Thread(() -> loop.run(stopLoop), "memvisor-density-manager");
                loopThread.setDaemon(true);
                loopThread.start();
            }
            // started, stopped, and those the host's OOM killer took while booting (the launcher closed them: gone, never live)
            int[] counts = new int[3];
            DensitySearch.Host host = new DensitySearch.Host() {
                @Override
                public StepResult admit(int n, MixGuest g) {
                    startedNames.add(g.name());
                    long kills = s.oomKills();
                    try {
                        start(launcher, g, g.name(), s);
                    } catch (DensitySearch.StartFailure e) {
                        // a QEMU the host's OOM killer took while this guest booted is an OOM kill, not a failed start
                        if (s.oomKills() == kills) throw e;
                        counts[0]++;
                        counts[2]++;
                        log.accept("guest " + g.name() + ": the host's OOM killer killed a QEMU while it started: " + e.getMessage());
                        List<GuestMeasure> dead = new ArrayList<>();
                        dead.add(new GuestMeasure(g.name(), baselines.get(g.entry()), 0, true));
                        return new StepResult(n, dead, s.swapBytes(), 0, 0, 0, -1);
                    }
                    counts[0]++;
                    Window.pass(mix.warmup());
                    List<Guest> running;
                    synchronized (RealDensity.this) {
                        running = List.copyOf(live);
                    }
                    Window w = new Window(running);
                    long swapped0 = swapTraffic();
                    Window.pass(mix.window());
                    long traffic = swapTraffic() - swapped0;
                    List<GuestMeasure> measures = new ArrayList<>();
                    Decision d = last.get();
                    for (Guest guest : running) {
                        MixGuest mg = byName.get(guest.name());
                        boolean oom = GuestConsole.oomLine(guest.consoleLines()).isPresent() || !guest.alive();
                        VmSample sample = d == null ? null : d.samples().get(guest.name());
                        long balloon = sample == null ? -1 : Math.max(0, mg.memoryBytes() - sample.actualBytes());
                        measures.add(new GuestMeasure(guest.name(), baselines.get(mg.entry()), w.rate(guest), oom, balloon, vmSwap(guest.pid())));
                    }
                    long balloons = 0;
                    if (d != null) {
                        for (Map.Entry<String, VmSample> e : d.samples().entrySet()) balloons += Math.max(0, byName.get(e.getKey()).memoryBytes() - e.getValue().actualBytes());
                    }
                    // what KSM saves for the guests' own QEMUs (ksm_process_profit), not host-wide: other users' merges do not count
                    long shared = d == null ? 0 : d.samples().values().stream().mapToLong(VmSample::ksmProfitBytes).sum();
                    return new StepResult(n, measures, s.swapBytes(), traffic, balloons, shared, -1);
                }

                @Override public long reservationViolations() { return violations.get(); }
                @Override public int started() { return counts[0]; }
                @Override public int stopped() { return counts[1]; }
            };
            PolicyResult r;
            try {
                r = DensitySearch.run(policy, mix, bounds, host, log, "real");
            } finally {
                counts[1] = stopAll() + counts[2];
            }
            return new PolicyResult(r.policy(), r.guestsAdmitted(), r.stop(), r.stopDetail(), r.steps(), r.reservationViolations(), counts[0], counts[1],
                    r.wallSeconds());
        }
    }

    /**
     * Bytes the host swapped in and out so far (/proc/vmstat pswpin + pswpout, in pages). Host-wide:
     * the experiment runs under the shared lock of the tests that touch swap, so its cgroup is what swaps.
     */
    private static long swapTraffic() {
        dev.memvisor.qemu.collect.VmStat v = dev.memvisor.qemu.collect.VmStat.read(Path.of("/proc"));
        return (v.get("pswpin") + v.get("pswpout")) * 4096;
    }

    /** A QEMU's memory in swap (VmSwap of /proc/PID/status), or -1 when it is gone. */
    private static long vmSwap(long pid) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (l.startsWith("VmSwap:")) return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException | NumberFormatException e) {
            // gone
        }
        return -1;
    }

    private HostShortage open() {
        HostShortage s = HostShortage.create(id, mix.hostBytes(), mix.swapBytes(), log);
        synchronized (this) {
            shortage = s;
        }
        return s;
    }

    private GuestLauncher launcher(String sub) {
        return new GuestLauncher(image, runDir.resolve(sub), l -> log.accept("qemu: " + l));
    }

    /** Starts a guest holding the lock, so an abort waits for its boot and then stops it too (none is started after an abort). */
    private synchronized Guest start(GuestLauncher launcher, MixGuest g, String name, HostShortage s) {
        if (closed) throw new DensitySearch.StartFailure("the run was aborted", null);
        try {
            Guest guest = launcher.start(factory.spec(g, name), BOOT, s.cgroup(), factory.options(g));
            live.add(guest);
            return guest;
        } catch (GuestStartException e) {
            throw new DensitySearch.StartFailure(e.getMessage(), e);
        }
    }

    /** Stops the manager (its KSM settings put back) and every live guest; returns how many guests are gone. */
    private synchronized int stopAll() {
        if (loop != null) {
            synchronized (stopLoop) {
                stopLoop.set(true);
                stopLoop.notifyAll();
            }
            try {
                loopThread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            loop.close();
            loop = null;
        }
        int stopped = 0;
        for (Guest g : live) {
            g.close();
            if (!g.alive()) stopped++;
            else log.accept("guest " + g.name() + " (pid " + g.pid() + ") did not stop");
        }
        live.clear();
        return stopped;
    }

    /** The shutdown hook's work: everything stopped and removed, fast (guests killed by pid). */
    private void abort() {
        synchronized (this) {
            if (closed) return;
            log.accept("aborted: stopping " + live.size() + " guests, removing the cgroup and the swap file");
            for (Guest g : live) g.kill();
        }
        close();
    }

    /** Stops what is still running and removes the cgroup, the swap file and the run directory. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        stopAll();
        if (shortage != null) shortage.close();
        if (System.getenv("MEMVISOR_DEBUG") == null) RunDirectory.delete(runDir);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: this is the hook
        }
    }
}
