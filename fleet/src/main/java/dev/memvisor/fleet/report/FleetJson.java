package dev.memvisor.fleet.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memvisor.fleet.model.Fleet;
import dev.memvisor.fleet.model.FleetVm;
import dev.memvisor.fleet.search.Candidate;
import dev.memvisor.fleet.search.FleetResult;
import dev.memvisor.fleet.search.PolicyResult;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * fleet.json (the answer per policy, every host count tried, the answer's placement: the same
 * bytes for a seed whatever the parallelism) and timing.json (how long it took: not reproducible).
 */
public final class FleetJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private FleetJson() {}

    /** The deterministic results. */
    public static ObjectNode results(FleetResult r) {
        Fleet f = r.fleet();
        ObjectNode root = JSON.createObjectNode();
        ObjectNode fl = root.putObject("fleet");
        fl.put("file", f.file().path().getFileName().toString());
        fl.put("vms", f.vms().size());
        fl.put("configuredBytes", f.vms().stream().mapToLong(FleetVm::configuredBytes).sum());
        ArrayNode absent = fl.putArray("absentVms");
        f.absent().forEach(absent::add);
        ObjectNode host = fl.putObject("host");
        host.put("memoryBytes", f.machineBytes());
        host.put("cores", f.cores());
        host.put("overheadPerVmBytes", f.overheadBytes());
        ObjectNode pl = fl.putObject("placement");
        pl.put("rule", f.rule().label());
        if (f.rule() == dev.memvisor.fleet.placement.PlacementRule.DEMAND) pl.put("percentile", f.percentile());
        fl.put("slowdownBound", f.slowdownBound());
        ObjectNode w = fl.putObject("window");
        w.put("startSeconds", f.window().startSeconds());
        w.put("durationSeconds", f.window().durationSeconds());
        w.put("timeScale", f.window().timeScale());
        w.put("simulatedSeconds", round(f.window().simulatedMicros() / 1e6, 6));
        ObjectNode s = fl.putObject("search");
        s.put("minHosts", f.minHosts());
        s.put("maxHosts", f.maxHosts());
        s.put("firstGuess", r.firstGuess());
        ArrayNode ps = root.putArray("policies");
        for (PolicyResult p : r.policies()) {
            ObjectNode o = ps.addObject();
            o.put("policy", p.policy());
            Candidate a = p.answer();
            if (a == null) {
                o.putNull("hostsNeeded");
                o.putNull("consolidationRatio");
            } else {
                o.put("hostsNeeded", p.hostsNeeded());
                o.put("consolidationRatio", round((double) f.vms().size() / p.hostsNeeded(), 4));
                o.set("answer", candidate(a));
            }
            ArrayNode tried = o.putArray("tried");
            for (Candidate c : p.tried()) tried.add(candidate(c));
            if (p.placement() != null) {
                ArrayNode hosts = o.putArray("placement");
                for (int i = 0; i < p.placement().hosts().size(); i++) {
                    List<FleetVm> vms = p.placement().hosts().get(i);
                    ObjectNode h = hosts.addObject();
                    h.put("host", i + 1);
                    h.put("scenario", HostFiles.name(p.policy(), p.hostsNeeded(), i) + ".yaml");
                    h.put("configuredBytes", vms.stream().mapToLong(FleetVm::configuredBytes).sum());
                    h.put("placementBytes", vms.stream().mapToLong(f::placementBytes).sum());
                    ArrayNode names = h.putArray("vms");
                    vms.forEach(v -> names.add(v.name()));
                }
            }
        }
        return root;
    }

    private static ObjectNode candidate(Candidate c) {
        ObjectNode o = JSON.createObjectNode();
        o.put("hosts", c.hosts());
        o.put("meetsBound", c.pass());
        o.put("admitted", c.admitted());
        o.put("capacityBytes", c.capacityBytes());
        ObjectNode sd = o.putObject("slowdown");
        sd.put("p50", round(c.slowdownPercentile(50), 4));
        sd.put("p90", round(c.slowdownPercentile(90), 4));
        sd.put("p99", round(c.slowdownPercentile(99), 4));
        sd.put("max", round(c.maxSlowdown(), 4));
        sd.put("mean", round(c.meanSlowdown(), 4));
        o.put("worstVm", c.worstVm());
        o.put("vmsOverBound", c.vmsOverBound());
        o.put("peakSwappedBytes", c.peakSwappedBytes());
        o.put("peakBalloonBytes", c.peakBalloonBytes());
        o.put("sharedSavedBytes", c.sharedSavedBytes());
        o.put("peakSwapUsedBytes", c.peakSwapUsedBytes());
        o.put("hardOrLowStateSeconds", round(c.hardOrLowSeconds(), 3));
        o.put("reservationViolationPages", c.reservationViolationPages());
        return o;
    }

    /** How the run went: wall time, the host simulations' summed time, where it ran. */
    public static ObjectNode timing(FleetResult r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("master", r.master());
        o.put("parallelism", r.parallelism());
        o.put("hostSimulations", r.hostSimulations());
        o.put("wallSeconds", round(r.wallMillis() / 1000.0, 3));
        o.put("hostSimulationSeconds", round(r.taskMillis() / 1000.0, 3));
        o.put("hostSimulationCpuHours", round(r.taskMillis() / 3_600_000.0, 4));
        ArrayNode cs = o.putArray("candidates");
        for (PolicyResult p : r.policies()) {
            for (Candidate c : p.tried()) {
                ObjectNode x = cs.addObject();
                x.put("policy", p.policy());
                x.put("hosts", c.hosts());
                x.put("hostSimulationSeconds", round(c.hostWallMillis().stream().mapToLong(Long::longValue).sum() / 1000.0, 3));
                x.put("slowestHostSeconds", round(c.hostWallMillis().stream().mapToLong(Long::longValue).max().orElse(0) / 1000.0, 3));
            }
        }
        return o;
    }

    /** Writes fleet.json and timing.json into {@code dir}. */
    public static void write(FleetResult r, Path dir) throws IOException {
        Files.writeString(dir.resolve("fleet.json"), JSON.writeValueAsString(results(r)) + "\n");
        Files.writeString(dir.resolve("timing.json"), JSON.writeValueAsString(timing(r)) + "\n");
    }

    static double round(double v, int decimals) {
        return BigDecimal.valueOf(v).setScale(decimals, RoundingMode.HALF_UP).doubleValue();
    }
}
