package dev.memvisor.sim.engine;

import dev.memvisor.sim.Rng;
import dev.memvisor.sim.cpu.CpuScheduler;
import dev.memvisor.sim.cpu.VmCpu;
import dev.memvisor.sim.guest.GuestOs;
import dev.memvisor.sim.hypervisor.ActiveEstimator;
import dev.memvisor.sim.hypervisor.Hypervisor;
import dev.memvisor.sim.hypervisor.SharingMerge;
import dev.memvisor.sim.hypervisor.VmBacking;
import dev.memvisor.sim.memory.MissCosts;
import dev.memvisor.sim.memory.StorageDevice;
import dev.memvisor.sim.memory.VmPages;
import dev.memvisor.sim.scenario.Scenario;
import dev.memvisor.sim.trace.BitbrainsTrace;
import dev.memvisor.sim.trace.PageTrace;
import dev.memvisor.sim.trace.TraceCache;
import dev.memvisor.sim.workload.BitbrainsWorkload;
import dev.memvisor.sim.workload.SyntheticWorkload;
import dev.memvisor.sim.workload.TraceWorkload;
import dev.memvisor.sim.workload.Workload;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the simulated host of a scenario as it is at boot: each VM's workload and generator, the
 * content ids of the images (pools shared by VMs of one image), the hypervisor with its mechanisms,
 * and per VM its pages, backing, guest OS (booted), reference loop, CPU accounting and sampler.
 */
final class HostBuilder {
    private static final long PAGE = 4096;
    /** Heap per guest page at most: the page arrays, and the guest's free list and balloon stack if every page were on one. */
    private static final long BYTES_PER_PAGE = VmPages.BYTES_PER_PAGE + GuestOs.BYTES_PER_PAGE_AT_MOST;

    private HostBuilder() {}

    /** The host of {@code sc}, booted; fails before allocating when its page arrays cannot fit in the heap. */
    static SimHost build(Scenario sc) {
        Scenario.Host h = sc.host();
        int n = sc.vms().size();
        long frames = (h.machineBytes() - h.overheadBytesPerVm() * n) / PAGE;
        // content ids: 0 is the zero page, then one pool per image (its OS pages, then application pages read from it)
        Map<String, int[]> pools = new LinkedHashMap<>();
        List<Workload> apps = new ArrayList<>();
        List<Rng> rngs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Scenario.Vm v = sc.vms().get(i);
            Rng rng = new Rng(sc.seed(), i + 1);
            rngs.add(rng);
            Workload w = workload(sc, v, rng);
            apps.add(w);
            if (v.image() != null) {
                int[] pool = pools.computeIfAbsent(v.image(), k -> new int[2]);
                pool[0] = Math.max(pool[0], pages(v.osBytes()));
                pool[1] = Math.max(pool[1], imageVpns(v, w));
            }
        }
        requireHeap(sc, apps);
        long ids = 1;
        Map<String, Integer> base = new HashMap<>();
        for (var e : pools.entrySet()) {
            base.put(e.getKey(), (int) ids);
            ids += (long) e.getValue()[0] + e.getValue()[1];
        }
        if (ids > Integer.MAX_VALUE - 1) throw new IllegalArgumentException("images too large to simulate: " + ids + " pages");
        Hypervisor hv = new Hypervisor(new Hypervisor.Settings(frames, (int) ids, n,
                h.policyConfig().sharingScanPagesPerSecond(), sc.spec().host.sharing.skipFreePages,
                h.compression(), h.compressibleFraction(), h.compressionMaxFraction(), h.balloonRateBytes(), h.swapRateBytes(),
                h.swapReadahead(), h.reclaim()));
        hv.sharing().setMerge(SharingMerge.resolve(sc.spec().host.sharing.merge, h.policyName()));
        // the host's storage holds its swap and, unless a VM has its own, the guests' virtual disks: one queue for all of them
        List<StorageDevice> devices = new ArrayList<>();
        StorageDevice hostStorage = device(h.storage(), n);
        devices.add(hostStorage);
        List<SimVm> vms = new ArrayList<>();
        // guests that zero their memory boot together, so they zero it in parallel: each backs at most an equal part
        // of the free memory left, not the first VMs built all of it (the build order is not a boot order)
        int zeroing = (int) sc.vms().stream().filter(Scenario.Vm::zeroOnBoot).count();
        for (int i = 0; i < n; i++) {
            Scenario.Vm v = sc.vms().get(i);
            Workload app = apps.get(i);
            Rng rng = rngs.get(i);
            int imageBase = v.image() == null ? 0 : base.get(v.image());
            int imageVpns = v.image() == null ? 0 : imageVpns(v, app);
            int appBase = imageVpns > 0 ? imageBase + pools.get(v.image())[0] : 0;
            VmPages pages = new VmPages(pages(v.settings().configuredBytes()), app.vpnSpace(), appBase);
            StorageDevice guestDisk = hostStorage;
            if (v.guestStorage() != null) {
                guestDisk = device(v.guestStorage(), n);
                devices.add(guestDisk);
            }
            MissCosts costs = new MissCosts(h.faultOverheadNs(), h.decompressNs(), h.ioCpuNs(), hostStorage, guestDisk, v.workload().threads());
            VmBacking backing = hv.addVm(pages, rng, costs, v.settings().ceilingBytes() / PAGE, v.settings().reservationBytes() / PAGE);
            GuestOs guest = new GuestOs(backing, appBase, imageVpns, v.guestSwapReadahead(), v.lowMemoryFraction(),
                    v.workload().fileBacked(), v.workload().readPages(), v.dirtyExpireMicros());
            long zeroPages = v.zeroOnBoot() ? Math.max(0, hv.machine().freeFrames()) / zeroing-- : 0;
            guest.boot(imageBase, pages(v.osBytes()), zeroPages, rng);
            VmCpu cpu = new VmCpu(v.vcpus(), v.tickHz(), v.catchUpTicks(), v.timerGiveUpMicros(),
                    v.processes().stream().mapToDouble(Scenario.Process::cpu).toArray(),
                    v.processes().stream().mapToDouble(Scenario.Process::ioPerSecond).toArray(), new Rng(sc.seed(), -(i + 1L)));
            ActiveEstimator active = new ActiveEstimator(h.activeSamplePages(), h.activePeriodMicros() / 1000);
            vms.add(new SimVm(v, guest, backing, new ReferenceLoop(guest, backing), cpu, active, app, rng));
        }
        return new SimHost(hv, new CpuScheduler(h.cores(), h.quantumMicros()), vms, devices);
    }

    private static StorageDevice device(Scenario.Storage s, int vms) {
        return new StorageDevice(s.latencyNs(), s.bytesPerSecond(), s.parallelism(), vms);
    }

    /** The application's virtual pages that read image content: all of them when it loads from the image, else its read-only ones. */
    private static int imageVpns(Scenario.Vm v, Workload w) {
        return v.workload().fromImage() ? w.vpnSpace() : Math.min(w.vpnSpace(), pages(v.workload().readOnlyBytes()));
    }

    /** Fails before allocating when the page arrays cannot fit in this JVM's heap, saying how much they need. */
    private static void requireHeap(Scenario sc, List<Workload> apps) {
        long need = 0;
        for (int i = 0; i < sc.vms().size(); i++) {
            need += pages(sc.vms().get(i).settings().configuredBytes()) * BYTES_PER_PAGE
                    + VmPages.BYTES_PER_VIRTUAL_PAGE * apps.get(i).vpnSpace();
        }
        long max = Runtime.getRuntime().maxMemory();
        if (need > max * 0.8) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "the scenario's %d VMs need about %.1f GB of Java heap for their page arrays, this JVM allows %.1f GB;"
                            + " give it more (MEMVISOR_JAVA_OPTS=-Xmx%dg ./memvisor ...) or simulate less memory",
                    sc.vms().size(), need / 1e9, max / 1e9, (long) Math.ceil(need * 1.5 / 1e9)));
        }
    }

    private static int pages(long bytes) {
        return (int) Math.min(Integer.MAX_VALUE / 2, (bytes + PAGE - 1) / PAGE);
    }

    /** The application of VM {@code v}, drawing from {@code rng}. */
    private static Workload workload(Scenario sc, Scenario.Vm v, Rng rng) {
        Scenario.Workload w = v.workload();
        switch (w.type()) {
            case "trace" -> {
                PageTrace t = TraceCache.pages(w.traceFormat(), w.traceFile(), w.maxRefs());
                return new TraceWorkload(t, w.loops(), w.refsPerSecond(), w.cpu());
            }
            case "bitbrains" -> {
                BitbrainsTrace t = TraceCache.bitbrains(w.bitbrainsFile());
                int cap = BitbrainsWorkload.peakPages(t, pages(v.settings().configuredBytes()));
                return new BitbrainsWorkload(t, w.timeScale(), w.offsetMicros(), v.vcpus(), cap, w.refsPerSecond(),
                        w.skew(), w.writeFraction(), rng);
            }
            default -> {
                List<SyntheticWorkload.Phase> phases = new ArrayList<>();
                if (w.phases().isEmpty()) {
                    phases.add(new SyntheticWorkload.Phase(sc.durationMicros(), pages(w.workingSetBytes()), w.skew(),
                            w.writeFraction(), w.refsPerSecond(), w.cpu()));
                } else {
                    for (Scenario.Phase p : w.phases()) {
                        phases.add(new SyntheticWorkload.Phase(p.durationMicros(), pages(p.workingSetBytes()), p.skew(),
                                p.writeFraction(), p.refsPerSecond(), p.cpu()));
                    }
                }
                return new SyntheticWorkload(phases, w.repeat(), pages(w.maxWorkingSetBytes()),
                        (double) w.growthBytesPerSecond() / PAGE, w.trimOnLowMemory(), !w.fromImage(), pages(w.readOnlyBytes()),
                        w.readPages(), rng);
            }
        }
    }
}
