package dev.memvisor.sim.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.memvisor.core.counter.Counter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes summary.json: the scenario echoed, the policy, host totals and one entry per VM. Reproducible byte for byte. */
public final class SummaryWriter {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SummaryWriter() {}

    /** The summary as a JSON tree. */
    public static ObjectNode summary(SimResult r) {
        ObjectNode root = JSON.createObjectNode();
        root.set("scenario", JSON.valueToTree(r.scenario.spec()));
        root.put("policy", r.policy);
        ObjectNode host = root.putObject("host");
        host.put("machineBytes", r.machineBytes);
        host.put("peakOvercommit", Num.round(r.peakOvercommit, 4));
        host.put("sharedSavedBytes", Num.bytes(mean(r.series(Counter.HOST_PSHARE_SAVING))));
        host.put("peakSharedSavedBytes", Num.bytes(max(r.series(Counter.HOST_PSHARE_SAVING))));
        host.put("peakSwapUsedBytes", Num.bytes(max(r.series(Counter.HOST_SWCUR))));
        host.put("minFreeBytes", Num.bytes(r.series(Counter.HOST_FREE).stream().mapToDouble(Double::doubleValue).min().orElse(0)));
        ObjectNode states = host.putObject("secondsInState");
        List<String> names = Counter.stateNames();
        for (int i = 0; i < names.size(); i++) states.put(names.get(i), Num.round(r.secondsInState[i], 3));
        host.put("totalRefs", r.totalRefs);
        host.set("sharingScan", sharingScan(r));
        host.put("decisions", r.decisions);
        host.put("stateChangeDecisions", r.stateChangeDecisions);
        host.put("reservationViolationPages", r.vms.stream().mapToLong(v -> v.reservationViolationPages).sum());
        ArrayNode vms = root.putArray("vms");
        for (SimResult.VmRecord v : r.vms) {
            ObjectNode o = vms.addObject();
            o.put("name", v.name);
            o.put("configuredBytes", v.configuredBytes);
            o.put("meanGrantedBytes", Num.bytes(v.mean(Counter.GRANT)));
            o.put("meanConsumedBytes", Num.bytes(v.mean(Counter.CNSM)));
            o.put("meanActiveBytes", Num.bytes(v.mean(Counter.TCHD)));
            o.put("peakBalloonBytes", Num.bytes(v.max(Counter.MCTLSZ)));
            o.put("peakSwappedBytes", Num.bytes(v.max(Counter.SWCUR)));
            o.put("peakCompressedBytes", Num.bytes(v.max(Counter.ZIP)));
            o.put("meanSharedSavedBytes", Num.bytes(v.mean(Counter.SHRDSVD)));
            o.put("slowdown", Num.round(v.slowdown, 4));
            o.put("doublePagedPages", v.doublePagedPages);
            o.put("workDone", v.workDone);
            o.put("completionSeconds", Num.round(v.completionSeconds, 3));
            o.put("refs", v.refs);
            o.put("guestSwapOutPages", v.guestSwapOuts);
            o.put("guestSwapInPages", v.guestSwapIns);
            o.put("hostSwapInPages", v.hostSwapIns);
            o.put("meanReadyPct", Num.round(v.mean(Counter.RDY), 3));
            o.put("lostTicks", v.lostTicks);
            o.put("timerResyncs", v.timerResyncs);
            o.put("reservationViolationPages", v.reservationViolationPages);
        }
        return root;
    }

    /**
     * The sharing scanner's work and how fast sharing converged: the first sample time at which
     * the host's shared-saved memory reached 90 % of its peak, and its peak (-1 when nothing was shared).
     */
    public static ObjectNode sharingScan(SimResult r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("skipFreePages", r.scenario.spec().host.sharing.skipFreePages);
        o.put("merge", dev.memvisor.sim.hypervisor.SharingMerge.resolve(r.scenario.spec().host.sharing.merge, r.scenario.host().policyName()).toString());
        o.put("scannedPages", r.scanWorkPages);
        o.put("skippedFreePages", r.scanSkippedFreePages);
        java.util.List<Double> saved = r.series(Counter.HOST_PSHARE_SAVING);
        double peak = max(saved);
        o.put("secondsTo90PctPeakSaved", Num.round(firstTimeAtLeast(r, saved, 0.9 * peak, peak), 3));
        o.put("secondsToPeakSaved", Num.round(firstTimeAtLeast(r, saved, peak, peak), 3));
        return o;
    }

    private static double firstTimeAtLeast(SimResult r, java.util.List<Double> xs, double level, double peak) {
        for (int i = 0; i < xs.size() && peak > 0; i++) if (xs.get(i) >= level) return r.times.get(i);
        return -1;
    }

    /** Writes {@code summary.json} into {@code dir}. */
    public static void write(SimResult r, Path dir) throws IOException {
        Files.writeString(dir.resolve("summary.json"), JSON.writeValueAsString(summary(r)) + "\n");
    }

    static double mean(java.util.List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }

    static double max(java.util.List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }
}
