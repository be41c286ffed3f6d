package dev.memvisor.sim.scenario;

import dev.memvisor.core.InvalidSettingException;
import dev.memvisor.core.model.MemoryThresholds;
import dev.memvisor.core.model.SharesLevel;
import dev.memvisor.core.model.VmSettings;
import dev.memvisor.core.policy.PolicyConfig;
import dev.memvisor.core.policy.PolicyRegistry;
import dev.memvisor.core.unit.Size;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Checks every field of a bound {@link ScenarioSpec} and resolves it into a {@link Scenario}; errors name the field. */
public final class ScenarioValidator {
    /** Largest configured memory of one simulated VM (pages are indexed by int). */
    static final long MAX_VM_BYTES = 1L << 42;

    private ScenarioValidator() {}

    /** Validates and resolves; {@code baseDir} resolves relative trace paths (may be null for the working directory). */
    public static Scenario validate(ScenarioSpec s, Path baseDir) {
        long duration = duration("duration", s.duration, 1);
        long sample = duration("sampleInterval", s.sampleInterval, 1);
        long step = duration("step", s.step, 1000);
        if (step > 10_000_000) throw new ScenarioException("step", "got " + s.step + ", expected at most 10s");
        if (sample % step != 0) throw new ScenarioException("sampleInterval", "got " + s.sampleInterval + ", expected a multiple of step (" + s.step + ")");
        if (sample > duration) throw new ScenarioException("sampleInterval", "got " + s.sampleInterval + ", expected at most the duration (" + s.duration + ")");
        Scenario.Host host = host(s.host, step);
        if (s.vms == null || s.vms.isEmpty()) throw new ScenarioException("vms", "expected a list of at least one VM");
        List<Scenario.Vm> vms = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < s.vms.size(); i++) {
            VmSpec v = s.vms.get(i);
            String p = "vms[" + i + "]";
            if (v == null) throw new ScenarioException(p, "expected a VM mapping");
            if (v.count < 1 || v.count > 4096) throw new ScenarioException(p + ".count", "got " + v.count + ", expected 1 to 4096");
            if (v.name == null || !v.name.matches("[A-Za-z0-9_.-]+")) {
                throw new ScenarioException(p + ".name", "got " + v.name + ", expected a name of letters, digits, '.', '_' or '-'");
            }
            for (int c = 1; c <= v.count; c++) {
                String name = v.count == 1 ? v.name : v.name + "-" + c;
                if (!names.add(name)) throw new ScenarioException(p + ".name", "VM name " + name + " is used twice");
                vms.add(vm(v, name, p, step, baseDir));
            }
        }
        long minFrames = vms.size() * host.overheadBytesPerVm();
        if (minFrames >= host.machineBytes()) {
            throw new ScenarioException("host.memory", "got " + s.host.memory + ", expected more than the hypervisor overhead of "
                    + vms.size() + " VMs (" + Size.format(minFrames) + ")");
        }
        return new Scenario(s, s.seed, duration, sample, step, host, List.copyOf(vms));
    }

    private static Scenario.Host host(HostSpec h, long step) {
        if (h == null) throw new ScenarioException("host", "expected a host mapping");
        long machine = size("host.memory", h.memory, 64 * Size.MIB);
        if (h.cores < 1 || h.cores > 1024) throw new ScenarioException("host.cores", "got " + h.cores + ", expected 1 to 1024");
        PolicySpec ps = h.policy == null ? new PolicySpec() : h.policy;
        if (ps.name == null || !PolicyRegistry.names().contains(ps.name)) {
            throw new ScenarioException("host.policy.name", "got " + ps.name + ", expected one of " + String.join(", ", PolicyRegistry.names()));
        }
        PolicyConfig pc = policyConfig(ps);
        long control = duration("host.controlInterval", h.controlInterval, 1);
        if (control % step != 0) throw new ScenarioException("host.controlInterval", "got " + h.controlInterval + ", expected a multiple of step");
        if (h.sharing == null) throw new ScenarioException("host.sharing", "expected a mapping such as {skipFreePages: true}");
        CompressionSpec c = h.compression == null ? new CompressionSpec() : h.compression;
        fraction("host.compression.compressibleFraction", c.compressibleFraction, true);
        fraction("host.compression.maxFraction", c.maxFraction, true);
        if (h.activeSamplePages < 1 || h.activeSamplePages > 100_000) {
            throw new ScenarioException("host.activeSamplePages", "got " + h.activeSamplePages + ", expected 1 to 100000");
        }
        long activePeriod = duration("host.activePeriod", h.activePeriod, 1);
        if (activePeriod % step != 0) throw new ScenarioException("host.activePeriod", "got " + h.activePeriod + ", expected a multiple of step");
        return new Scenario.Host(machine, h.cores, ps.name, pc, control, size("host.overheadPerVm", h.overheadPerVm, 0),
                duration("host.swapLatency", h.swapLatency, 0) * 1000, duration("host.faultOverhead", h.faultOverhead, 0) * 1000,
                size("host.balloonRate", h.balloonRate, 4096), size("host.swapRate", h.swapRate, 4096),
                c.enabled, c.compressibleFraction, c.maxFraction, duration("host.compression.latency", c.latency, 0) * 1000,
                h.activeSamplePages, activePeriod, duration("host.schedulerQuantum", h.schedulerQuantum, 1000));
    }

    private static PolicyConfig policyConfig(PolicySpec ps) {
        ThresholdsSpec t = ps.thresholds == null ? new ThresholdsSpec() : ps.thresholds;
        try {
            return PolicyConfig.builder().idleTax(ps.idleTax).maxBalloonFraction(ps.maxBalloonFraction)
                    .sharingScanPagesPerSecond(ps.sharingScanPagesPerSecond).sharingScanPassSeconds(ps.sharingScanPassSeconds)
                    .thresholds(new MemoryThresholds(t.high, t.soft, t.hard, t.low))
                    .hypervBufferPercent(ps.hypervBufferPercent).proxmoxTargetUsedFraction(ps.proxmoxTargetUsedFraction)
                    .proxmoxMaxStepBytes(size("host.policy.proxmoxMaxStep", ps.proxmoxMaxStep, 1))
                    .proxmoxDeadbandBytes(size("host.policy.proxmoxDeadband", ps.proxmoxDeadband, 0))
                    .momPressureThreshold(ps.momPressureThreshold).momStepFraction(ps.momStepFraction)
                    .momMinGuestFreeFraction(ps.momMinGuestFreeFraction).momMinChangeFraction(ps.momMinChangeFraction)
                    .momPressureCritical(ps.momPressureCritical)
                    .build();
        } catch (InvalidSettingException e) {
            throw new ScenarioException("host.policy." + e.field(), "got " + e.value() + ", expected " + e.allowed());
        }
    }

    private static Scenario.Vm vm(VmSpec v, String name, String p, long step, Path baseDir) {
        long mem = size(p + ".memory", v.memory, Size.MIB);
        if (mem > MAX_VM_BYTES) throw new ScenarioException(p + ".memory", "got " + v.memory + ", expected at most 4T");
        long res = size(p + ".reservation", v.reservation, 0);
        long limit = v.limit == null || v.limit.isBlank() ? mem : size(p + ".limit", v.limit, 4096);
        if (limit > mem) throw new ScenarioException(p + ".limit", "got " + v.limit + ", expected at most the memory " + v.memory);
        if (res > limit) throw new ScenarioException(p + ".reservation", "got " + v.reservation + ", expected at most the limit " + Size.format(limit));
        long shares = shares(p + ".shares", v.shares, mem);
        VmSettings settings = new VmSettings(name, mem, res, limit, shares, v.ballooning);
        if (v.vcpus < 1 || v.vcpus > 256) throw new ScenarioException(p + ".vcpus", "got " + v.vcpus + ", expected 1 to 256");
        GuestSpec g = v.guest == null ? new GuestSpec() : v.guest;
        long os = size(p + ".guest.osMemory", g.osMemory, 0);
        if (os > mem / 2) throw new ScenarioException(p + ".guest.osMemory", "got " + g.osMemory + ", expected at most half the memory " + v.memory);
        fraction(p + ".guest.lowMemoryFraction", g.lowMemoryFraction, true);
        if (g.tickHz < 1 || g.tickHz > 10_000) throw new ScenarioException(p + ".guest.tickHz", "got " + g.tickHz + ", expected 1 to 10000");
        if (g.timerCatchUpTicks < 0) throw new ScenarioException(p + ".guest.timerCatchUpTicks", "got " + g.timerCatchUpTicks + ", expected >= 0");
        List<Scenario.Process> procs = new ArrayList<>();
        Set<String> pn = new HashSet<>(Set.of("app", "_Total"));
        for (int i = 0; i < v.processes.size(); i++) {
            ProcessSpec ps = v.processes.get(i);
            String pp = p + ".processes[" + i + "]";
            if (ps == null || ps.name == null || !ps.name.matches("[A-Za-z0-9_.-]+") || !pn.add(ps.name)) {
                throw new ScenarioException(pp + ".name", "got " + (ps == null ? null : ps.name) + ", expected a unique process name other than app and _Total");
            }
            if (!(ps.cpu >= 0 && ps.cpu <= v.vcpus)) throw new ScenarioException(pp + ".cpu", "got " + ps.cpu + ", expected 0 to vcpus (" + v.vcpus + ")");
            procs.add(new Scenario.Process(ps.name, ps.cpu));
        }
        Scenario.Workload w = workload(v.workload == null ? new WorkloadSpec() : v.workload, p + ".workload", v.vcpus, baseDir);
        return new Scenario.Vm(settings, v.vcpus, v.image == null || v.image.isBlank() ? null : v.image, os, g.zeroOnBoot,
                duration(p + ".guest.swapLatency", g.swapLatency, 0) * 1000,
                g.lowMemoryFraction, g.tickHz, g.timerCatchUpTicks, w, List.copyOf(procs));
    }

    private static Scenario.Workload workload(WorkloadSpec w, String p, int vcpus, Path baseDir) {
        String type = w.type == null ? "" : w.type.toLowerCase(Locale.ROOT);
        if (!Set.of("synthetic", "trace", "bitbrains").contains(type)) {
            throw new ScenarioException(p + ".type", "got " + w.type + ", expected synthetic, trace or bitbrains");
        }
        if (!type.equals("synthetic")) {
            // these only shape a synthetic workload; accepting them silently would mislead
            if (!w.phases.isEmpty()) throw new ScenarioException(p + ".phases", "only allowed with type: synthetic (got type " + type + ")");
            if (w.maxWorkingSet != null) throw new ScenarioException(p + ".maxWorkingSet", "only allowed with type: synthetic (got type " + type + ")");
            if (w.trimOnLowMemory) throw new ScenarioException(p + ".trimOnLowMemory", "only allowed with type: synthetic (got type " + type + ")");
            if (w.repeat) throw new ScenarioException(p + ".repeat", "only allowed with type: synthetic (got type " + type + ")");
        }
        long ws = size(p + ".workingSet", w.workingSet, 4096);
        long max = w.maxWorkingSet == null || w.maxWorkingSet.isBlank() ? ws : size(p + ".maxWorkingSet", w.maxWorkingSet, ws);
        if (max < ws) throw new ScenarioException(p + ".maxWorkingSet", "got " + w.maxWorkingSet + ", expected at least the workingSet " + w.workingSet);
        if (max > MAX_VM_BYTES) throw new ScenarioException(p + ".maxWorkingSet", "got " + w.maxWorkingSet + ", expected at most 4T");
        long growth = size(p + ".growthPerSecond", w.growthPerSecond, 0);
        if (!(w.skew >= 0 && w.skew <= 5)) throw new ScenarioException(p + ".skew", "got " + w.skew + ", expected 0 to 5");
        fraction(p + ".writeFraction", w.writeFraction, false);
        if (w.refsPerSecond < 0 || w.refsPerSecond > 1_000_000_000L) throw new ScenarioException(p + ".refsPerSecond", "got " + w.refsPerSecond + ", expected 0 to 1e9");
        if (!(w.cpu >= 0 && w.cpu <= vcpus)) throw new ScenarioException(p + ".cpu", "got " + w.cpu + ", expected 0 to vcpus (" + vcpus + ")");
        List<Scenario.Phase> phases = new ArrayList<>();
        for (int i = 0; i < w.phases.size(); i++) {
            PhaseSpec ph = w.phases.get(i);
            String pp = p + ".phases[" + i + "]";
            if (ph == null) throw new ScenarioException(pp, "expected a phase mapping");
            long d = duration(pp + ".duration", ph.duration, 1);
            long pws = ph.workingSet == null ? ws : size(pp + ".workingSet", ph.workingSet, 4096);
            if (pws > max && max == ws) max = pws;
            double sk = ph.skew == null ? w.skew : ph.skew;
            if (!(sk >= 0 && sk <= 5)) throw new ScenarioException(pp + ".skew", "got " + sk + ", expected 0 to 5");
            double wf = ph.writeFraction == null ? w.writeFraction : ph.writeFraction;
            fraction(pp + ".writeFraction", wf, false);
            long r = ph.refsPerSecond == null ? w.refsPerSecond : ph.refsPerSecond;
            if (r < 0 || r > 1_000_000_000L) throw new ScenarioException(pp + ".refsPerSecond", "got " + r + ", expected 0 to 1e9");
            double cpu = ph.cpu == null ? w.cpu : ph.cpu;
            if (!(cpu >= 0 && cpu <= vcpus)) throw new ScenarioException(pp + ".cpu", "got " + cpu + ", expected 0 to vcpus (" + vcpus + ")");
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
            if (w.trace.loops < 1) throw new ScenarioException(p + ".trace.loops", "got " + w.trace.loops + ", expected >= 1");
            if (w.trace.maxRefs < 0) throw new ScenarioException(p + ".trace.maxRefs", "got " + w.trace.maxRefs + ", expected >= 0");
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
            if (!(w.bitbrains.timeScale > 0 && w.bitbrains.timeScale <= 100_000)) {
                throw new ScenarioException(p + ".bitbrains.timeScale", "got " + w.bitbrains.timeScale + ", expected a number in (0, 100000]");
            }
            scale = w.bitbrains.timeScale;
            offset = duration(p + ".bitbrains.offset", w.bitbrains.offset, 0);
        } else if (w.bitbrains != null) {
            throw new ScenarioException(p + ".bitbrains", "only allowed with type: bitbrains");
        }
        return new Scenario.Workload(type, ws, max, growth, w.skew, w.writeFraction, w.refsPerSecond, w.cpu, w.fromImage,
                w.trimOnLowMemory, w.repeat, List.copyOf(phases), fmt, traceFile, loops, maxRefs, bb, scale, offset);
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

    private static long size(String field, String text, long min) {
        long v;
        try {
            v = Size.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ScenarioException(field, e.getMessage().replaceFirst("^size: ", ""));
        }
        if (v < min) throw new ScenarioException(field, "got " + text + ", expected at least " + Size.format(min));
        return v;
    }

    private static long duration(String field, String text, long minMicros) {
        long v;
        try {
            v = Durations.parseMicros(text);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new ScenarioException(field, e.getMessage());
        }
        if (v < minMicros) throw new ScenarioException(field, "got " + text + ", expected at least " + minMicros + " us");
        return v;
    }

    private static void fraction(String field, double v, boolean zeroOk) {
        if (!(v >= 0 && v <= 1)) throw new ScenarioException(field, "got " + v + ", expected a fraction in [0, 1]");
    }
}
