package dev.memvisor.sim.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** The example scenarios of {@code examples/}, packaged in the jar, so the demo runs them from any folder. */
public final class Examples {
    /** Every packaged example, in the order of the README. */
    public static final List<String> NAMES = List.of("sharing-idle-vs-active", "idle-memory-tax", "overcommit-case-study",
            "double-paging", "bitbrains-consolidation", "cpu-contention");

    private Examples() {}

    /** The example's YAML text. */
    public static String text(String name) {
        try (InputStream in = Examples.class.getResourceAsStream("/dev/memvisor/sim/examples/" + name + ".yaml")) {
            if (in == null) throw new IllegalArgumentException("no packaged example " + name + "; known: " + NAMES);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loads a packaged example with overrides; relative data paths resolve against {@code baseDir}. */
    public static Scenario load(String name, Path baseDir, List<String> overrides) {
        return ScenarioLoader.parse(text(name), "examples/" + name + ".yaml", baseDir, overrides);
    }
}
