package dev.memvisor.sim.migration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The model run with the real benchmark's settings next to what the real runs measured. The
 * measurements and the model's settings come from {@code measured-migrations.json} beside this class
 * (or a file of the same shape).
 */
public final class Calibration {
    /** The data file, a resource next to this class. */
    public static final String RESOURCE = "measured-migrations.json";
    private static final long MIB = 1L << 20;

    private final PreCopyParams params;
    private final List<CalibrationScenario> scenarios;

    private Calibration(PreCopyParams params, List<CalibrationScenario> scenarios) {
        this.params = params;
        this.scenarios = scenarios;
    }

    /** Loads the measured runs kept in the repository. */
    public static Calibration load() {
        try (InputStream in = Calibration.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("resource " + RESOURCE + " missing next to " + Calibration.class.getName());
            return parse(new ObjectMapper().readTree(in), RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException(RESOURCE + ": " + e.getMessage(), e);
        }
    }

    /** Loads measured runs from {@code file}, in the shape of the resource (your own benchmark's figures). */
    public static Calibration load(java.nio.file.Path file) {
        try {
            return parse(new ObjectMapper().readTree(file.toFile()), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    static Calibration parse(JsonNode root) { return parse(root, RESOURCE); }

    private static Calibration parse(JsonNode root, String source) {
        try {
            return parseTree(root);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    private static Calibration parseTree(JsonNode root) {
        JsonNode m = need(root, "model", "");
        PreCopyParams p = PreCopyParams.qemuDefaults()
                .withBandwidth(num(m, "bandwidthMiBps", "model") * MIB)
                .withStopCopyBandwidth(num(m, "stopCopyMiBps", "model") * MIB)
                .withDowntimeLimitMicros((long) (num(m, "downtimeLimitMs", "model") * 1000))
                .withBalloonRate(num(m, "balloonMiBps", "model") * MIB);
        List<CalibrationScenario> list = new ArrayList<>();
        int i = 0;
        for (JsonNode s : need(root, "scenarios", "")) {
            String at = "scenarios[" + i++ + "]";
            GuestProfile g = new GuestProfile((long) (num(s, "ramMiB", at) * MIB), (long) (num(s, "usedMiB", at) * MIB),
                    (long) (num(s, "workingSetMiB", at) * MIB), (long) (num(s, "freedMiB", at) * MIB));
            DirtyModel d = DirtyModel.sequential(num(s, "dirtyPagesPerSecond", at));
            Map<MigrationStrategy, MeasuredRun> measured = new EnumMap<>(MigrationStrategy.class);
            for (Iterator<Map.Entry<String, JsonNode>> it = need(s, "measured", at).fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String where = at + ".measured." + e.getKey();
                JsonNode r = e.getValue();
                measured.put(MigrationStrategy.parse(e.getKey()), new MeasuredRun(num(r, "transferredMiB", where), (long) num(r, "totalMs", where),
                        (long) num(r, "downtimeMs", where), (int) num(r, "iterations", where), (long) num(r, "zeroPages", where)));
            }
            list.add(new CalibrationScenario(need(s, "name", at).asText(), need(s, "description", at).asText(), g, d, measured));
        }
        return new Calibration(p, List.copyOf(list));
    }

    /** The model's settings for the benchmark machine. */
    public PreCopyParams params() { return params; }

    /** The benchmark scenarios with their measurements. */
    public List<CalibrationScenario> scenarios() { return scenarios; }

    /** Runs the model for every measured scenario and strategy, in file order. */
    public List<CalibrationRow> run() {
        PreCopyModel model = new PreCopyModel(params);
        List<CalibrationRow> rows = new ArrayList<>();
        for (CalibrationScenario s : scenarios) {
            GuestPages pages = GuestPages.of(s.guest());
            for (Map.Entry<MigrationStrategy, MeasuredRun> e : s.measured().entrySet()) {
                rows.add(new CalibrationRow(s, e.getKey(), model.run(pages, s.dirty(), e.getKey()), e.getValue()));
            }
        }
        return rows;
    }

    private static JsonNode need(JsonNode n, String field, String at) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) throw new IllegalArgumentException((at.isEmpty() ? "" : at + ".") + field + ": missing");
        return v;
    }

    private static double num(JsonNode n, String field, String at) {
        JsonNode v = need(n, field, at);
        if (!v.isNumber()) throw new IllegalArgumentException(at + "." + field + ": got " + v + ", expected a number");
        return v.asDouble();
    }
}
