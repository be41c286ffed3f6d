package dev.memvisor.sim.scenario;

import dev.memvisor.core.model.SharesLevel;
import dev.memvisor.core.model.VmSettings;
import dev.memvisor.core.unit.Durations;
import dev.memvisor.core.unit.Size;
import dev.memvisor.sim.hypervisor.HostReclaim;
import dev.memvisor.sim.hypervisor.SharingMerge;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Resolves a bound {@link ScenarioSpec} into a {@link Scenario} and checks what spans several fields
 * (a multiple of the step, a reservation within the limit, a trace file that exists); each field's own
 * range is its {@code @Setting}'s, checked when the file was bound. Errors name the field.
 */
public final class ScenarioValidator {
    private ScenarioValidator() {}

    /** Validates and resolves; {@code baseDir} resolves relative trace paths (may be null for the working directory). */
    public static Scenario validate(ScenarioSpec s, Path baseDir) {
        long duration = micros(s.duration);
        long sample = micros(s.sampleInterval);
        long step = micros(s.step);
        if (sample % step != 0) throw new ScenarioException("sampleInterval", "got " + s.sampleInterval + ", expected a multiple of step (" + s.step + ")");
        if (sample > duration) throw new ScenarioException("sampleInterval", "got " + s.sampleInterval + ", expected at most the duration (" + s.duration + ")");
        Scenario.Host host = host(s, step);
        if (s.vms == null || s.vms.isEmpty()) throw new ScenarioException("vms", "expected a list of at least one VM");
        List<Scenario.Vm> vms = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < s.vms.size(); i++) {
            VmSpec v = s.vms.get(i);
            String p = "vms[" + i + "]";
            if (v == null) throw new ScenarioException(p, "expected a VM mapping");
            if (v.name == null || !v.name.matches("[A-Za-z0-9_.-]+")) {
                throw new ScenarioException(p + ".name", "got " + v.name + ", expected a name of letters, digits, '.', '_' or '-'");
            }
            for (int c = 1; c <= v.count; c++) {
                String name = v.count == 1 ? v.name : v.name + "-" + c;
                if (!names.add(name)) throw new ScenarioException(p + ".name", "VM name " + name + " is used twice");
                vms.add(vm(v, name, p, baseDir));
            }
        }
        // exact: a huge overhead times many VMs must not wrap around to a small number
        java.math.BigInteger minFrames = java.math.BigInteger.valueOf(vms.size()).multiply(java.math.BigInteger.valueOf(host.overheadBytesPerVm()));
        if (minFrames.compareTo(java.math.BigInteger.valueOf(host.machineBytes())) >= 0) {
            throw new ScenarioException("host.memory", "got " + s.host.memory + ", expected more than the hypervisor overhead of "
                    + vms.size() + " VMs (" + Size.format(minFrames.min(java.math.BigInteger.valueOf(Long.MAX_VALUE)).longValueExact()) + ")");
        }
        return new Scenario(s, s.seed, duration, sample, step, host, List.copyOf(vms));
    }

    private static Scenario.Host host(ScenarioSpec s, long step) {
        HostSpec h = s.host;
        if (h == null) throw new ScenarioException("host", "expected a host mapping");
        if (s.policy == null) throw new ScenarioException("policy", "expected a policy name or a mapping such as {name: esx, idleTax: 0.5}");
        long control = micros(h.controlInterval);
        if (control % step != 0) throw new ScenarioException("host.controlInterval", "got " + h.controlInterval + ", expected a multiple of step");
        if (h.sharing == null) throw new ScenarioException("host.sharing", "expected a mapping such as {skipFreePages: true}");
        if (h.storage == null) throw new ScenarioException("host.storage", "expected a mapping such as {type: ssd}");
        if (h.compression == null) throw new ScenarioException("host.compression", "expected a mapping such as {enabled: false}");
        CompressionSpec c = h.compression;
        long activePeriod = micros(h.activePeriod);
        if (activePeriod % step != 0) throw new ScenarioException("host.activePeriod", "got " + h.activePeriod + ", expected a multiple of step");
        if (h.sharing.merge != null && SharingMerge.parse(h.sharing.merge) == null) {
            throw new ScenarioException("host.sharing.merge", "got " + h.sharing.merge + ", expected hint or ksm");
        }
        HostReclaim reclaim = HostReclaim.parse(h.reclaim);
        if (h.reclaim != null && reclaim == null) throw new ScenarioException("host.reclaim", "got " + h.reclaim + ", expected random or lru");
        return new Scenario.Host(Size.parse(h.memory), h.cores, s.policy.name(), s.policy.config(), control, Size.parse(h.overheadPerVm),
                storage(h.storage, "host.storage"), h.swapReadahead, reclaim, nanos(h.faultOverhead), nanos(h.ioCpu), Size.parse(h.balloonRate), Size.parse(h.swapRate),
                c.enabled, c.compressibleFraction, c.maxFraction, nanos(c.latency),
                h.activeSamplePages, activePeriod, micros(h.schedulerQuantum));
    }

    private static Scenario.Vm vm(VmSpec v, String name, String p, Path baseDir) {
        long mem = Size.parse(v.memory);
        long res = Size.parse(v.reservation);
        long limit = v.limit == null || v.limit.isBlank() ? mem : Size.parse(v.limit);
        if (limit > mem) throw new ScenarioException(p + ".limit", "got " + v.limit + ", expected at most the memory " + v.memory);
        if (res > limit) throw new ScenarioException(p + ".reservation", "got " + v.reservation + ", expected at most the limit " + Size.format(limit));
        long shares = shares(p + ".shares", v.shares, mem);
        VmSettings settings = new VmSettings(name, mem, res, limit, shares, v.ballooning);
        GuestSpec g = v.guest == null ? new GuestSpec() : v.guest;
        long os = Size.parse(g.osMemory);
        if (os > mem / 2) throw new ScenarioException(p + ".guest.osMemory", "got " + g.osMemory + ", expected at most half the memory " + v.memory);
        List<Scenario.Process> procs = new ArrayList<>();
        Set<String> pn = new HashSet<>(Set.of("app", "_Total"));
        if (v.processes == null) throw new ScenarioException(p + ".processes", "expected a list of {name, cpu}");
        for (int i = 0; i < v.processes.size(); i++) {
            ProcessSpec ps = v.processes.get(i);
            String pp = p + ".processes[" + i + "]";
            if (ps == null || ps.name == null || !ps.name.matches("[A-Za-z0-9_.-]+") || !pn.add(ps.name)) {
                throw new ScenarioException(pp + ".name", "got " + (ps == null ? null : ps.name) + ", expected a unique process name other than app and _Total");
            }
            if (ps.cpu > v.vcpus) throw new ScenarioException(pp + ".cpu", "got " + ps.cpu + ", expected at most vcpus (" + v.vcpus + ")");
            procs.add(new Scenario.Process(ps.name, ps.cpu, ps.ioPerSecond));
        }
        Scenario.Workload w = workload(v.workload == null ? new WorkloadSpec() : v.workload, p + ".workload", v.vcpus, baseDir);
        return new Scenario.Vm(settings, v.vcpus, v.image == null || v.image.isBlank() ? null : v.image, os, g.zeroOnBoot,
                g.storage == null ? null : storage(g.storage, p + ".guest.storage"), g.swapReadahead,
                g.lowMemoryFraction, g.tickHz, g.timerCatchUpTicks, micros(g.timerGiveUp), micros(g.dirtyExpire), w, List.copyOf(procs));
    }

    private static Scenario.Workload workload(WorkloadSpec w, String p, int vcpus, Path baseDir) {
        String type = w.type == null ? "" : w.type.toLowerCase(Locale.ROOT);
        if (!Set.of("synthetic", "trace", "bitbrains").contains(type)) {
            throw new ScenarioException(p + ".type", "got " + w.type + ", expected synthetic, trace or bitbrains");
        }
        if (!type.equals("synthetic")) {
            // these only shape a synthetic workload; accepting them silently would mislead
            if (w.phases != null && !w.phases.isEmpty()) throw new ScenarioException(p + ".phases", "only allowed with type: synthetic (got type " + type + ")");
            if (w.maxWorkingSet != null) throw new ScenarioException(p + ".maxWorkingSet", "only allowed with type: synthetic (got type " + type + ")");
            if (w.trimOnLowMemory) throw new ScenarioException(p + ".trimOnLowMemory", "only allowed with type: synthetic (got type " + type + ")");
            if (w.repeat) throw new ScenarioException(p + ".repeat", "only allowed with type: synthetic (got type " + type + ")");
        }
        long ws = Size.parse(w.workingSet);
        long max = w.maxWorkingSet == null || w.maxWorkingSet.isBlank() ? ws : Size.parse(w.maxWorkingSet);
        if (max < ws) throw new ScenarioException(p + ".maxWorkingSet", "got " + w.maxWorkingSet + ", expected at least the workingSet " + w.workingSet);
        long growth = Size.parse(w.growthPerSecond);
        if (w.cpu > vcpus) throw new ScenarioException(p + ".cpu", "got " + w.cpu + ", expected at most vcpus (" + vcpus + ")");
        List<Scenario.Phase> phases = new ArrayList<>();
        if (w.phases == null) throw new ScenarioException(p + ".phases", "expected a list of phases");
        for (int i = 0; i < w.phases.size(); i++) {
            PhaseSpec ph = w.phases.get(i);
            String pp = p + ".phases[" + i + "]";
            if (ph == null) throw new ScenarioException(pp, "expected a phase mapping");
            long d = micros(ph.duration);
            long pws = ph.workingSet == null || ph.workingSet.isBlank() ? ws : Size.parse(ph.workingSet);
            if (pws > max && max == ws) max = pws;
            double sk = ph.skew == null ? w.skew : ph.skew;
            double wf = ph.writeFraction == null ? w.writeFraction : ph.writeFraction;
            long r = ph.refsPerSecond == null ? w.refsPerSecond : ph.refsPerSecond;
            double cpu = ph.cpu == null ? w.cpu : ph.cpu;
            if (cpu > vcpus) throw new ScenarioException(pp + ".cpu", "got " + cpu + ", expected at most vcpus (" + vcpus + ")");
            phases.add(new Scenario.Phase(d, pws, sk, wf, r, cpu));
        }
        for (Scenario.Phase ph : phases) max = Math.max(max, ph.workingSetBytes());
        String fmt = null;
        Path traceFile = null;
        int loops = 1;
        long maxRefs = 0;
        if (type.equals("trace")) {
            if (w.trace == null) throw new ScenarioException(p + ".trace", "expected a trace mapping with format and file for type trace");
            fmt = w.trace.format == null ? "" : w.trace.format.toLowerCase(Locale.ROOT);
            if (!Set.of("address", "lirs").contains(fmt)) throw new ScenarioException(p + ".trace.format", "got " + w.trace.format + ", expected address or lirs");
            traceFile = file(p + ".trace.file", w.trace.file, baseDir);
            loops = w.trace.loops;
            maxRefs = w.trace.maxRefs;
        } else if (w.trace != null) {
            throw new ScenarioException(p + ".trace", "only allowed with type: trace");
        }
        Path bb = null;
        double scale = 1;
        long offset = 0;
        if (type.equals("bitbrains")) {
            if (w.bitbrains == null) throw new ScenarioException(p + ".bitbrains", "expected a bitbrains mapping with file for type bitbrains");
            bb = file(p + ".bitbrains.file", w.bitbrains.file, baseDir);
            scale = w.bitbrains.timeScale;
            offset = micros(w.bitbrains.offset);
        } else if (w.bitbrains != null) {
            throw new ScenarioException(p + ".bitbrains", "only allowed with type: bitbrains");
        }
        long readOnly = Size.parse(w.readOnly);
        if (readOnly > max) throw new ScenarioException(p + ".readOnly", "got " + w.readOnly + ", expected at most the largest working set " + Size.format(max));
        if (readOnly > 0 && !type.equals("synthetic")) throw new ScenarioException(p + ".readOnly", "only allowed with type: synthetic (got type " + type + ")");
        if (w.fileBacked) {
            // file data in the page cache: not the image's content (an application may trim the pages it holds; see trimOnLowMemory)
            if (!type.equals("synthetic")) throw new ScenarioException(p + ".fileBacked", "only allowed with type: synthetic (got type " + type + ")");
            if (w.fromImage) throw new ScenarioException(p + ".fileBacked", "a file-backed workload's pages are its own files, not the image's: remove fromImage");
            if (readOnly > 0) throw new ScenarioException(p + ".fileBacked", "a file-backed workload reads its files through the page cache: remove readOnly");
        } else if (w.readPages != 1) {
            throw new ScenarioException(p + ".readPages", "got " + w.readPages + ", only a file-backed workload reads files (set fileBacked: true or remove readPages)");
        }
        int threads = w.threads == null ? (int) Math.max(1, Math.ceil(w.cpu)) : w.threads;
        return new Scenario.Workload(type, ws, max, growth, w.skew, w.writeFraction, w.refsPerSecond, w.cpu, w.fromImage,
                readOnly, w.fileBacked, w.readPages, threads, w.trimOnLowMemory, w.repeat, List.copyOf(phases), fmt, traceFile, loops, maxRefs, bb, scale, offset);
    }

    private static Path file(String field, String name, Path baseDir) {
        if (name == null || name.isBlank()) throw new ScenarioException(field, "expected a file path");
        Path f = Path.of(name);
        if (!f.isAbsolute() && baseDir != null) f = baseDir.resolve(f).normalize();
        if (!Files.isReadable(f)) throw new ScenarioException(field, "got " + name + ", expected a readable file (looked at " + f + ")");
        return f;
    }

    private static long shares(String field, String text, long mem) {
        if (text == null) throw new ScenarioException(field, "expected low, normal, high or a number");
        for (SharesLevel l : SharesLevel.values()) {
            if (l.name().equalsIgnoreCase(text.trim())) return l.sharesFor(mem);
        }
        try {
            long n = Long.parseLong(text.trim());
            if (n > 0) return n;
        } catch (NumberFormatException ignored) {
            // falls through to the error below
        }
        throw new ScenarioException(field, "got " + text + ", expected low, normal, high or a number > 0");
    }

    /**
     * A storage device: its type's figures, each replaced by what the file sets.
     *
     * @param p the device's path in the file, for errors ({@code host.storage})
     * @throws ScenarioException naming {@code p.type} when the type is none of disk, ssd, nvme
     */
    public static Scenario.Storage storage(StorageSpec d, String p) {
        String type = d.type == null ? "" : d.type.toLowerCase(Locale.ROOT);
        Scenario.Storage base = switch (type) {
            case "disk" -> new Scenario.Storage("disk", 5_000_000, 150L << 20, 1);
            case "ssd" -> new Scenario.Storage("ssd", 50_000, 500L << 20, 4);
            case "nvme" -> new Scenario.Storage("nvme", 80_000, 3200L << 20, 50);
            default -> throw new ScenarioException(p + ".type", "got " + d.type + ", expected disk, ssd or nvme");
        };
        return new Scenario.Storage(type, d.latency == null ? base.latencyNs() : nanos(d.latency),
                d.bandwidth == null ? base.bytesPerSecond() : Size.parse(d.bandwidth),
                d.parallelism == null ? base.parallelism() : d.parallelism);
    }

    /** A duration the binding has checked, in the simulator's microseconds. */
    private static long micros(String text) {
        return Durations.parseMicros(text);
    }

    /** A cost the binding has checked, in nanoseconds. */
    private static long nanos(String text) {
        return Durations.parse(text).toNanos();
    }
}
