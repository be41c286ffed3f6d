package dev.memvisor.density.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memvisor.density.DensityBounds;
import dev.memvisor.density.DensityReport;
import dev.memvisor.density.GuestMeasure;
import dev.memvisor.density.ModelVsMeasured;
import dev.memvisor.density.PolicyResult;
import dev.memvisor.density.StepResult;
import dev.memvisor.density.StopReason;
import dev.memvisor.density.mix.Mix;
import dev.memvisor.density.mix.MixGuest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * density.json, the one home of the density run's machine-readable format (README, Machine-readable
 * outputs): per policy {@code guestsAdmitted} (the real count when real guests ran, else the
 * simulator's) and its {@code real} and {@code sim} results with every step.
 */
public final class DensityJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private DensityJson() {}

    /** The report as a JSON tree. */
    public static ObjectNode tree(DensityReport r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("mix", r.mix().name());
        root.put("file", r.mix().file().toString());
        ObjectNode host = root.putObject("host");
        host.put("memoryBytes", r.mix().hostBytes());
        host.put("overheadPerVmBytes", r.mix().overheadBytes());
        host.put("swapFileBytes", r.mix().swapBytes());
        host.put("intervalSeconds", r.mix().interval().toMillis() / 1000.0);
        ObjectNode b = root.putObject("bounds");
        b.put("p95Slowdown", r.bounds().slowdown());
        b.put("hostSwapBytes", r.bounds().hostSwapBytes());
        root.put("guests", r.mix().guests().size());
        root.put("warmupSeconds", r.mix().warmup().toSeconds());
        root.put("windowSeconds", r.mix().window().toSeconds());
        root.put("accelerator", r.accelerator());
        root.put("simulator", r.simulator());
        ArrayNode base = root.putArray("baselines");
        for (Map.Entry<Integer, Double> e : r.baselines().entrySet()) {
            MixGuest g = r.mix().guests().stream().filter(x -> x.entry() == e.getKey()).findFirst().orElseThrow();
            base.addObject().put("entry", e.getKey()).put("guest", g.name()).put("schedule", g.schedule().toString())
                    .put("opsPerSecond", e.getValue()).put("scheduleMeanRate", g.schedule().meanRate());
        }
        ArrayNode pols = root.putArray("policies");
        for (String p : r.policies()) {
            ObjectNode o = pols.addObject();
            o.put("policy", p);
            PolicyResult real = r.real().get(p), sim = r.sim().get(p);
            o.put("guestsAdmitted", real != null ? real.guestsAdmitted() : sim.guestsAdmitted());
            if (real != null) o.set("real", result(real));
            if (sim != null) o.set("sim", result(sim));
        }
        List<ModelVsMeasured.Row> compared = ModelVsMeasured.rows(r);
        if (!compared.isEmpty()) {
            ObjectNode m = root.putObject("modelVsMeasured");
            ArrayNode rows = m.putArray("rows");
            for (ModelVsMeasured.Row x : compared) {
                ObjectNode o = rows.addObject().put("policy", x.policy()).put("guests", x.guests()).put("quantity", x.quantity().label());
                number(o, "real", x.real());
                number(o, "sim", x.sim());
                number(o, "error", x.error());
                o.put("within", x.within());
            }
            ArrayNode sum = m.putArray("summary");
            for (ModelVsMeasured.Summary x : ModelVsMeasured.summary(compared)) {
                ObjectNode o = sum.addObject().put("quantity", x.quantity().label()).put("steps", x.rows()).put("within", x.within());
                number(o, "medianAbsError", x.medianError());
                o.put("band", x.quantity().band()).put("pass", x.pass());
            }
        }
        return root;
    }

    /**
     * An earlier run's real results, read back.
     *
     * @param accelerator what its guests ran on (null when the file names none)
     * @param results     per policy, its real result
     */
    public record SavedRun(String accelerator, Map<String, PolicyResult> results) {}

    /**
     * The real results of an earlier run's density.json of this mix, per policy, so that the simulator can
     * be compared with real guests measured before (each guest's slowdown, balloon and host swap per step).
     *
     * @throws IllegalArgumentException naming the file and the field that is missing or of another mix
     */
    public static SavedRun readReal(Path file, Mix mix) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read it as density.json (" + e.getMessage() + ")");
        }
        if (root == null || !root.path("policies").isArray()) throw new IllegalArgumentException(file + ": no \"policies\" list (expected a density.json)");
        if (!mix.name().equals(root.path("mix").asText())) {
            throw new IllegalArgumentException(file + ": \"mix\" is '" + root.path("mix").asText() + "', expected '" + mix.name() + "' (" + mix.file() + ")");
        }
        Map<String, PolicyResult> out = new LinkedHashMap<>();
        int i = 0;
        for (JsonNode p : root.path("policies")) {
            String where = file + ": policies[" + i++ + "]";
            JsonNode real = p.path("real");
            if (real.isMissingNode()) continue;
            String name = p.path("policy").asText();
            List<StepResult> steps = new ArrayList<>();
            int j = 0;
            for (JsonNode st : real.path("steps")) steps.add(step(st, where + ".real.steps[" + j++ + "]"));
            StopReason stop = null;
            for (StopReason x : StopReason.values()) if (x.label().equals(real.path("stopReason").asText())) stop = x;
            if (stop == null) throw new IllegalArgumentException(where + ".real.stopReason: '" + real.path("stopReason").asText() + "' is not a stop reason");
            out.put(name, new PolicyResult(name, integer(real, "guestsAdmitted", where + ".real"), stop, real.path("stopDetail").asText(), steps,
                    real.path("reservationViolations").asLong(), real.path("guestsStarted").asInt(), real.path("guestsStopped").asInt(), real.path("wallSeconds").asDouble()));
        }
        if (out.isEmpty()) throw new IllegalArgumentException(file + ": no policy has a \"real\" result (expected a density.json of a real run)");
        JsonNode accel = root.path("accelerator");
        return new SavedRun(accel.isTextual() ? accel.asText() : null, out);
    }

    private static StepResult step(JsonNode st, String where) {
        List<GuestMeasure> measures = new ArrayList<>();
        JsonNode slow = st.path("guestSlowdowns");
        if (!slow.isObject()) throw new IllegalArgumentException(where + ".guestSlowdowns: expected an object of guest -> slowdown");
        List<String> oom = new ArrayList<>();
        st.path("oomKilled").forEach(n -> oom.add(n.asText()));
        for (Iterator<Map.Entry<String, JsonNode>> it = slow.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> g = it.next();
            // only the slowdown was kept: a baseline of 1 with a rate of 1/slowdown gives it back (null: no progress)
            double rate = g.getValue().isNumber() && g.getValue().asDouble() > 0 ? 1 / g.getValue().asDouble() : 0;
            measures.add(new GuestMeasure(g.getKey(), 1, rate, oom.contains(g.getKey()), st.path("guestBalloonBytes").path(g.getKey()).asLong(-1),
                    st.path("guestHostSwapBytes").path(g.getKey()).asLong(-1)));
        }
        return new StepResult(integer(st, "guests", where), measures, st.path("hostSwapBytes").asLong(), st.path("hostSwapTrafficBytes").asLong(),
                st.path("balloonBytes").asLong(), st.path("sharedBytes").asLong(), st.path("guestSwapBytes").asLong(-1));
    }

    private static int integer(JsonNode o, String field, String where) {
        JsonNode n = o.path(field);
        if (!n.canConvertToInt()) throw new IllegalArgumentException(where + "." + field + ": expected a whole number, got " + (n.isMissingNode() ? "nothing" : n));
        return n.asInt();
    }

    /** Writes density.json into {@code dir}. */
    public static void write(DensityReport r, Path dir) {
        try {
            JSON.writeValue(dir.resolve("density.json").toFile(), tree(r));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve("density.json") + ": " + e.getMessage(), e);
        }
    }

    /** The report as JSON text. */
    public static String text(DensityReport r) {
        try {
            return JSON.writeValueAsString(tree(r));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode result(PolicyResult p) {
        ObjectNode o = JSON.createObjectNode();
        o.put("guestsAdmitted", p.guestsAdmitted());
        o.put("stopReason", p.stop().label());
        o.put("stopDetail", p.stopDetail());
        StepResult a = p.admittedStep();
        ObjectNode s = o.putObject("slowdown");
        number(s, "p50", a == null ? Double.NaN : a.percentile(50));
        number(s, "p95", a == null ? Double.NaN : a.percentile(DensityBounds.PERCENTILE));
        number(s, "max", a == null ? Double.NaN : a.max());
        o.put("hostSwapBytes", a == null ? 0 : a.hostSwapBytes());
        o.put("hostSwapTrafficBytes", a == null ? 0 : a.hostSwapTrafficBytes());
        o.put("balloonBytes", a == null ? 0 : a.balloonBytes());
        o.put("sharedBytes", a == null ? 0 : a.sharedBytes());
        o.put("guestSwapBytes", a == null ? -1 : a.guestSwapBytes());
        o.put("reservationViolations", p.reservationViolations());
        o.put("guestsStarted", p.guestsStarted());
        o.put("guestsStopped", p.guestsStopped());
        o.put("wallSeconds", Math.round(p.wallSeconds() * 10) / 10.0);
        ArrayNode steps = o.putArray("steps");
        for (StepResult st : p.steps()) {
            ObjectNode so = steps.addObject();
            so.put("guests", st.guests());
            number(so, "p95Slowdown", st.percentile(DensityBounds.PERCENTILE));
            so.put("hostSwapBytes", st.hostSwapBytes());
            so.put("hostSwapTrafficBytes", st.hostSwapTrafficBytes());
            so.put("balloonBytes", st.balloonBytes());
            so.put("sharedBytes", st.sharedBytes());
            so.put("guestSwapBytes", st.guestSwapBytes());
            ObjectNode g = so.putObject("guestSlowdowns");
            for (GuestMeasure m : st.measures()) number(g, m.name(), m.slowdown());
            ObjectNode gb = so.putObject("guestBalloonBytes");
            for (GuestMeasure m : st.measures()) gb.put(m.name(), m.balloonBytes());
            ObjectNode gs = so.putObject("guestHostSwapBytes");
            for (GuestMeasure m : st.measures()) gs.put(m.name(), m.hostSwapBytes());
            ArrayNode oom = so.putArray("oomKilled");
            st.measures().stream().filter(GuestMeasure::oomKilled).forEach(m -> oom.add(m.name()));
        }
        return o;
    }

    /** A number rounded to 3 decimals; null for NaN or infinity (no progress at all). */
    private static void number(ObjectNode o, String key, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) o.putNull(key);
        else o.put(key, Math.round(v * 1000) / 1000.0);
    }
}
