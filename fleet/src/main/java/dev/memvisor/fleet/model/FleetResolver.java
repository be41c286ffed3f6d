package dev.memvisor.fleet.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memvisor.core.unit.Size;
import dev.memvisor.fleet.placement.PlacementRule;
import dev.memvisor.fleet.scenario.HostScenarioYaml;
import dev.memvisor.fleet.spec.FleetFile;
import dev.memvisor.fleet.spec.FleetSpec;
import dev.memvisor.fleet.spec.VmEntrySpec;
import dev.memvisor.core.unit.Durations;
import dev.memvisor.sim.scenario.Scenario;
import dev.memvisor.sim.scenario.ScenarioException;
import dev.memvisor.sim.trace.BitbrainsTrace;
import dev.memvisor.sim.trace.TraceCache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Turns a FLEET.yaml into a {@link Fleet}: checks every key, reads the traces, aligns them on one
 * clock, sizes each trace VM from its rows in the window, and has the simulator's own loader check
 * the host and every entry before anything runs, reporting errors at the FLEET.yaml key.
 */
public final class FleetResolver {
    /** Bitbrains rows are 300 s apart: a trace starting within one row of the window's start counts as present. */
    static final long ROW_SECONDS = 300;
    private static final Pattern TRACE_FILE = Pattern.compile("(\\d+)\\.csv(\\.gz)?");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final FleetFile file;
    private final FleetSpec s;
    /** Per trace entry: the image size (guest.osMemory) the simulator resolves for its VMs. */
    private final Map<String, Long> imageBytes = new java.util.HashMap<>();

    private FleetResolver(FleetFile file) {
        this.file = file;
        this.s = file.spec();
    }

    /** Reads and resolves {@code path}. */
    public static Fleet load(Path path) {
        return resolve(FleetFile.read(path));
    }

    /** Resolves a read FLEET.yaml. */
    public static Fleet resolve(FleetFile file) {
        return new FleetResolver(file).resolve();
    }

    private Fleet resolve() {
        long start = seconds("window.start", s.window.start);
        long duration = seconds("window.duration", s.window.duration);
        if (duration <= 0) throw file.error("window.duration", "got " + s.window.duration + ", expected a duration > 0 such as 24h");
        if (!(s.window.timeScale > 0 && s.window.timeScale <= 100_000)) {
            throw file.error("window.timeScale", "got " + s.window.timeScale + ", expected a number in (0, 100000]");
        }
        Window window = new Window(start, duration, s.window.timeScale);
        if (!(s.slowdown >= 1)) throw file.error("slowdown", "got " + s.slowdown + ", expected a bound >= 1 such as 1.2");
        if (s.policies == null || s.policies.isEmpty()) throw file.error("policies", "expected a list of policy names such as [esx, static]");
        if (new HashSet<>(s.policies).size() != s.policies.size()) throw file.error("policies", "a policy is listed twice: " + s.policies);
        PlacementRule rule;
        try {
            rule = PlacementRule.of(s.placement.rule);
        } catch (IllegalArgumentException e) {
            throw file.error("placement.rule", e.getMessage());
        }
        if (!(s.placement.percentile > 0 && s.placement.percentile <= 100)) {
            throw file.error("placement.percentile", "got " + s.placement.percentile + ", expected a percentile in (0, 100]");
        }
        if (s.search.min < 0) throw file.error("search.min", "got " + s.search.min + ", expected 0 (automatic) or more");
        if (s.search.max < 0) throw file.error("search.max", "got " + s.search.max + ", expected 0 (automatic) or more");
        if (s.search.max > 0 && s.search.min > s.search.max) throw file.error("search.min", "got " + s.search.min + ", expected at most search.max (" + s.search.max + ")");
        if (s.host == null) throw file.error("host", "expected the host type, e.g. host: {memory: 256G, cores: 32}");
        if (s.vms == null || s.vms.isEmpty()) throw file.error("vms", "expected a list of VM entries (traces: FOLDER, or synthetic VMs)");

        String sample = s.sampleInterval;
        // the default (one Bitbrains row) shrinks to a short window; a written value is the user's
        if (file.where("sampleInterval").equals(file.path() + ": ")
                && Durations.parseMicros(sample) > window.simulatedMicros()) sample = window.simulatedMicros() + "us";
        if (s.policy != null && s.policy.has("name")) {
            throw file.error("policy.name", "the policies compared are named in 'policies'; 'policy' holds their shared settings");
        }
        HostScenarioYaml yaml = new HostScenarioYaml(s.seed, window.simulatedMicros(), sample, s.step, s.host, s.policy);

        Scenario.Host host = null;
        for (String policy : s.policies) {
            ObjectNode probeVm = NODES.objectNode().put("name", "probe").put("memory", "64M");
            probeVm.putObject("guest").put("osMemory", "0");
            host = probe(yaml, policy, probeVm, "host", false).host();
        }

        List<Traced> traced = new ArrayList<>();
        List<FleetVm> vms = new ArrayList<>();
        List<Object> order = new ArrayList<>(); // Traced or FleetVm, in fleet order
        for (int i = 0; i < s.vms.size(); i++) {
            VmEntrySpec e = s.vms.get(i);
            String key = "vms[" + i + "]";
            if (e == null) throw file.error(key, "expected a VM entry mapping");
            if (e.name == null || !e.name.matches("[A-Za-z0-9_.-]+")) {
                throw file.error(key + ".name", "got " + e.name + ", expected a name of letters, digits, '.', '_' or '-'");
            }
            if (e.traces != null) {
                for (Path f : traceFiles(e, key)) {
                    Traced t = new Traced(e, key, f, trace(f, key));
                    traced.add(t);
                    order.add(t);
                }
            } else {
                for (FleetVm v : synthetic(e, key, yaml)) order.add(v);
            }
        }

        List<String> absent = new ArrayList<>();
        long epoch = traced.stream().mapToLong(t -> t.trace.startEpochSeconds()).min().orElse(0);
        long windowStart = epoch + start;
        Set<String> names = new HashSet<>();
        for (Object o : order) {
            FleetVm v;
            if (o instanceof Traced t) {
                v = sizeTraced(t, windowStart, window, vms.size(), absent, yaml);
                if (v == null) continue;
            } else {
                FleetVm f = (FleetVm) o;
                v = new FleetVm(f.name(), vms.size(), f.configuredBytes(), f.reservationBytes(), f.demandBytes(), f.vcpus(), f.scenarioVm(), f.entryKey());
            }
            if (!names.add(v.name())) throw file.error(v.entryKey() + ".name", "VM name " + v.name() + " is used twice in the fleet");
            vms.add(v);
        }
        if (vms.isEmpty()) throw file.error("window.start", "no VM's trace covers the window's start; " + absent.size() + " VMs left out");

        long reserved = 0;
        for (FleetVm v : vms) reserved += v.reservationBytes() + host.overheadBytesPerVm();
        int admission = (int) Math.max(1, (reserved + host.machineBytes() - 1) / host.machineBytes());
        int min = Math.max(admission, s.search.min);
        int max = s.search.max == 0 ? vms.size() : s.search.max;
        if (min > max) throw file.error("search.max", "got " + s.search.max + ", but the VMs' reservations and overheads need at least " + min + " hosts");
        return new Fleet(file, List.copyOf(vms), List.copyOf(absent), yaml, window, host.machineBytes(), host.cores(),
                host.overheadBytesPerVm(), rule, s.placement.percentile, List.copyOf(s.policies), s.slowdown, min, max);
    }

    /** A trace VM before the window sizes it. */
    private record Traced(VmEntrySpec entry, String key, Path file, BitbrainsTrace trace) {
        String name() {
            Matcher m = TRACE_FILE.matcher(file.getFileName().toString());
            return entry.name + "-" + (m.matches() ? m.group(1) : file.getFileName().toString());
        }
    }

    private List<Path> traceFiles(VmEntrySpec e, String key) {
        for (String k : List.of("memory", "demand")) {
            if ((k.equals("memory") ? e.memory : e.demand) != null) {
                throw file.error(key + "." + k, "not allowed with traces: each trace gives its VM's provisioned memory and its demand");
            }
        }
        if (e.scenario().containsKey("vcpus")) throw file.error(key + ".vcpus", "not allowed with traces: each trace gives its VM's cores");
        Path dir = file.baseDir().resolve(e.traces).normalize();
        if (!Files.isDirectory(dir)) throw file.error(key + ".traces", dir + " is not a folder (expected a Bitbrains folder of N.csv or N.csv.gz files)");
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> TRACE_FILE.matcher(p.getFileName().toString()).matches())
                    .sorted((a, b) -> Long.compare(number(a), number(b))).toList();
        } catch (IOException ex) {
            throw file.error(key + ".traces", "cannot list " + dir + " (" + ex + ")");
        }
        if (files.isEmpty()) throw file.error(key + ".traces", dir + " holds no Bitbrains trace (N.csv or N.csv.gz)");
        if (e.count != null) {
            if (e.count < 1) throw file.error(key + ".count", "got " + e.count + ", expected 1 or more (the first N traces by number)");
            files = files.subList(0, Math.min(files.size(), e.count));
        }
        return files;
    }

    private static long number(Path p) {
        Matcher m = TRACE_FILE.matcher(p.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : Long.MAX_VALUE;
    }

    private BitbrainsTrace trace(Path f, String key) {
        try {
            return TraceCache.bitbrains(f);
        } catch (RuntimeException ex) {
            throw file.error(key + ".traces", ex.getMessage());
        }
    }

    /** Sizes a trace VM from its rows in the window; null (and a line in {@code absent}) when it is not there at the start. */
    private FleetVm sizeTraced(Traced t, long windowStart, Window w, int order, List<String> absent, HostScenarioYaml yaml) {
        BitbrainsTrace tr = t.trace;
        long rel = windowStart - tr.startEpochSeconds();
        long last = tr.seconds()[tr.seconds().length - 1];
        if (rel < -ROW_SECONDS) {
            absent.add(t.name() + ": its trace starts " + hours(-rel) + " h after the window's start");
            return null;
        }
        if (last + ROW_SECONDS < rel) {
            absent.add(t.name() + ": its trace ends " + hours(rel - last) + " h before the window's start");
            return null;
        }
        long offset = Math.max(0, rel);
        int r0 = tr.rowAt(offset), r1 = tr.rowAt(offset + w.durationSeconds());
        long prov = 0, used = 0;
        int cores = 1;
        long[] use = new long[r1 - r0 + 1];
        for (int r = r0; r <= r1; r++) {
            prov = Math.max(prov, tr.provisionedBytes()[r]);
            used = Math.max(used, tr.usedBytes()[r]);
            cores = Math.max(cores, tr.cores()[r]);
            use[r - r0] = tr.usedBytes()[r];
        }
        if (prov == 0) prov = Arrays.stream(tr.provisionedBytes()).max().orElse(0); // a few rows record 0 provisioned
        long configured = roundUpMib(Math.max(Math.max(prov, used), Size.MIB * 64));
        long demand = Math.min(configured, percentile(use, s.placement.percentile));
        long reservation = reservation(t.entry, t.key, configured);
        ObjectNode vm = NODES.objectNode();
        vm.put("name", t.name());
        vm.put("memory", configured / Size.MIB + "M");
        vm.put("vcpus", cores);
        if (reservation > 0) vm.put("reservation", reservation / Size.MIB + "M");
        for (Map.Entry<String, JsonNode> f : t.entry.scenario().entrySet()) {
            if (!f.getKey().equals("workload")) vm.set(f.getKey(), f.getValue().deepCopy());
        }
        JsonNode written = t.entry.scenario().get("workload");
        if (written != null && !written.isObject()) throw file.error(t.key + ".workload", "expected a mapping of workload fields");
        if (written != null && written.has("type")) throw file.error(t.key + ".workload.type", "not allowed with traces: the workload is the trace (bitbrains)");
        vm.set("workload", HostScenarioYaml.bitbrainsWorkload((ObjectNode) written, t.file, w.timeScale(), offset));
        long os = imageBytes.computeIfAbsent(t.key, k -> {
            ObjectNode big = vm.deepCopy().put("memory", "1T");
            return probe(yaml, s.policies.get(0), big, t.key, true).vms().get(0).osBytes();
        });
        if (os > configured / 2) {
            // a small VM boots a smaller image: the simulator wants the image in at most half its memory
            ObjectNode guest = vm.has("guest") && vm.get("guest").isObject() ? (ObjectNode) vm.get("guest") : vm.putObject("guest");
            guest.put("osMemory", configured / 2 / Size.MIB + "M");
        }
        probe(yaml, s.policies.get(0), vm, t.key, true);
        return new FleetVm(t.name(), order, configured, reservation, demand, cores, vm, t.key);
    }

    private List<FleetVm> synthetic(VmEntrySpec e, String key, HostScenarioYaml yaml) {
        int count = e.count == null ? 1 : e.count;
        if (count < 1 || count > 100_000) throw file.error(key + ".count", "got " + count + ", expected 1 to 100000");
        ObjectNode base = NODES.objectNode();
        base.put("name", e.name);
        if (e.memory != null) base.put("memory", e.memory);
        for (Map.Entry<String, JsonNode> f : e.scenario().entrySet()) base.set(f.getKey(), f.getValue().deepCopy());
        Scenario.Vm first = probe(yaml, s.policies.get(0), base, key, false).vms().get(0);
        long configured = first.settings().configuredBytes();
        long reservation = reservation(e, key, configured);
        if (reservation > 0) {
            base.put("reservation", reservation / Size.MIB * Size.MIB == reservation ? reservation / Size.MIB + "M" : Long.toString(reservation));
            probe(yaml, s.policies.get(0), base, key, false);
        }
        long demand = configured;
        if (e.demand != null) {
            try {
                demand = Size.parse(e.demand);
            } catch (IllegalArgumentException ex) {
                throw file.error(key + ".demand", ex.getMessage());
            }
        }
        List<FleetVm> out = new ArrayList<>();
        for (int c = 1; c <= count; c++) {
            ObjectNode vm = base.deepCopy();
            String name = count == 1 ? e.name : e.name + "-" + c;
            vm.put("name", name);
            out.add(new FleetVm(name, 0, configured, reservation, demand, first.vcpus(), vm, key));
        }
        return out;
    }

    /** The entry's reservation in bytes: a size, or a percentage of {@code configured}, in whole MiB. */
    private long reservation(VmEntrySpec e, String key, long configured) {
        if (e.reservation == null) return 0;
        String r = e.reservation.trim();
        try {
            if (r.endsWith("%")) {
                double pct = Double.parseDouble(r.substring(0, r.length() - 1).trim());
                if (!(pct >= 0 && pct <= 100)) throw new NumberFormatException();
                return (long) (configured * pct / 100) / Size.MIB * Size.MIB;
            }
            return Size.parse(r);
        } catch (NumberFormatException ex) {
            throw file.error(key + ".reservation", "got " + e.reservation + ", expected a percentage of the memory in [0, 100] such as 25%");
        } catch (IllegalArgumentException ex) {
            throw file.error(key + ".reservation", ex.getMessage() + ", or a percentage such as 25%");
        }
    }

    /** Has the simulator's loader check a one-VM host scenario; its errors come back at the FLEET.yaml key. */
    private Scenario probe(HostScenarioYaml yaml, String policy, ObjectNode vm, String entryKey, boolean traced) {
        String text = yaml.text(policy, "probe", List.of(vm));
        try {
            return HostScenarioYaml.parse(text, "(generated)", file.baseDir());
        } catch (ScenarioException ex) {
            String msg = ex.getMessage();
            String marker = "field " + ex.field() + ": ";
            int at = msg.indexOf(marker);
            String what = at >= 0 ? msg.substring(at + marker.length()) : msg;
            throw file.error(HostScenarioYaml.fleetKey(ex.field(), entryKey, traced), what);
        }
    }

    private long seconds(String key, String text) {
        try {
            return Durations.parseMicros(text) / 1_000_000;
        } catch (IllegalArgumentException ex) {
            throw file.error(key, ex.getMessage());
        }
    }

    /** Nearest-rank percentile of {@code xs}. */
    static long percentile(long[] xs, double p) {
        long[] sorted = xs.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static long roundUpMib(long bytes) {
        return (bytes + Size.MIB - 1) / Size.MIB * Size.MIB;
    }

    private static String hours(long seconds) {
        return String.format(Locale.ROOT, "%.1f", seconds / 3600.0);
    }
}
