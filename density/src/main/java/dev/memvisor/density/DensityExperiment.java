package dev.memvisor.density;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memvisor.density.mix.Mix;
import dev.memvisor.density.mix.MixGuest;
import dev.memvisor.density.real.RealDensity;
import dev.memvisor.density.sim.SimDensity;
import dev.memvisor.qemu.image.GuestImage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code memvisor density}'s run: for each policy the simulated search (fast, first) and the real
 * one, with the real guests' standalone baselines measured once for all policies (or taken from an
 * earlier run's density.json, so a long experiment can run a policy at a time).
 */
public final class DensityExperiment {
    /** Where the experiment runs. */
    public enum Mode {
        /** Real guests and the simulator, side by side. */
        BOTH,
        /** The simulator only. */
        SIM,
        /** Real guests only. */
        REAL;

        boolean real() { return this != SIM; }

        boolean sim() { return this != REAL; }
    }

    private DensityExperiment() {}

    /**
     * Runs the experiment. {@code image} and {@code runDir} are used by real runs only;
     * {@code knownBaselines} (entry -> rate) skips measuring those entries again.
     */
    public static DensityReport run(Mix mix, List<String> policies, DensityBounds bounds, Mode mode, Map<Integer, Double> knownBaselines,
                                    GuestImage image, Path runDir, Consumer<String> log) {
        Map<String, PolicyResult> sim = new LinkedHashMap<>(), real = new LinkedHashMap<>();
        String digest = null;
        if (mode.sim()) {
            SimDensity s = new SimDensity(mix, log);
            digest = SimDensity.engineDigest();
            for (String p : policies) sim.put(p, s.run(p, bounds));
        }
        Map<Integer, Double> baselines = new LinkedHashMap<>();
        String accel = null;
        if (mode.real()) {
            try (RealDensity r = new RealDensity(mix, image, runDir, log)) {
                baselines.putAll(knownBaselines);
                boolean missing = mix.guests().stream().anyMatch(g -> !baselines.containsKey(g.entry()));
                if (missing) {
                    Map<Integer, Double> measured = r.baselines(baselines.keySet());
                    baselines.putAll(measured);
                }
                for (String p : policies) real.put(p, r.run(p, bounds, baselines));
                accel = r.accelerator();
            }
        }
        return new DensityReport(mix, bounds, accel, digest, baselines, policies, real, sim);
    }

    /**
     * The baselines of an earlier run's density.json for this mix: entry -> rate, each checked against
     * the mix's guest of that entry (same schedule), so a changed mix is measured anew.
     *
     * @throws IllegalArgumentException naming the file and what does not match
     */
    public static Map<Integer, Double> readBaselines(Path file, Mix mix) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read it as density.json (" + e.getMessage() + ")");
        }
        JsonNode list = root.path("baselines");
        if (!list.isArray()) throw new IllegalArgumentException(file + ": no \"baselines\" list (expected a density.json of a real run)");
        Map<Integer, Double> out = new LinkedHashMap<>();
        for (JsonNode b : list) {
            int entry = b.path("entry").asInt(-1);
            MixGuest g = mix.guests().stream().filter(x -> x.entry() == entry).findFirst().orElse(null);
            if (g == null || !g.schedule().toString().equals(b.path("schedule").asText()) || !b.path("opsPerSecond").isNumber()) {
                throw new IllegalArgumentException(file + ": baseline of entry " + entry + " (" + b.path("guest").asText()
                        + ") does not match guests[" + entry + "] of " + mix.file() + " (another mix, or its schedule changed): measure it again");
            }
            out.put(entry, b.path("opsPerSecond").asDouble());
        }
        return out;
    }
}
