package dev.memvisor.fleet.scenario;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.memvisor.sim.scenario.Scenario;
import dev.memvisor.sim.scenario.ScenarioLoader;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The one place that writes a host's scenario (the simulator's YAML, read back by its
 * {@link ScenarioLoader}), so a change of the scenario's keys is one edit here. Knows, for
 * messages, which FLEET.yaml key each scenario field came from.
 */
public final class HostScenarioYaml {
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build());
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final long seed;
    private final long durationMicros;
    private final String sampleInterval;
    private final String step;
    private final ObjectNode host;
    private final ObjectNode policy;

    /**
     * The fields every host of a fleet shares; {@code step} may be null (the scenario default),
     * {@code policy} holds the policy block's settings but its name (null: the defaults).
     */
    public HostScenarioYaml(long seed, long durationMicros, String sampleInterval, String step, ObjectNode host, ObjectNode policy) {
        this.seed = seed;
        this.durationMicros = durationMicros;
        this.sampleInterval = sampleInterval;
        this.step = step;
        this.host = host.deepCopy();
        this.policy = policy == null ? NODES.objectNode() : policy.deepCopy();
    }

    /** The scenario text of one host running {@code vms} (their {@code vms[]} mappings) under {@code policy}. */
    public String text(String policy, String title, List<ObjectNode> vms) {
        ObjectNode root = NODES.objectNode();
        root.put("seed", seed);
        root.put("duration", durationMicros + "us");
        root.put("sampleInterval", sampleInterval);
        if (step != null) root.put("step", step);
        ObjectNode pol = NODES.objectNode().put("name", policy);
        pol.setAll(this.policy);
        root.set("policy", pol);
        root.set("host", host.deepCopy());
        root.putArray("vms").addAll(vms);
        try {
            return "# " + title + "\n" + YAML.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a generated text with the simulator's own loader (the same call {@code memvisor simulate} makes). */
    public static Scenario parse(String text, String name, Path baseDir) {
        return ScenarioLoader.parse(text, name, baseDir, List.of());
    }

    /** A Bitbrains-driven VM's workload: the entry's workload fields plus the trace, its time scale and offset. */
    public static ObjectNode bitbrainsWorkload(ObjectNode written, Path file, double timeScale, long offsetSeconds) {
        ObjectNode w = written == null ? NODES.objectNode() : written.deepCopy();
        w.put("type", "bitbrains");
        ObjectNode bb = w.putObject("bitbrains");
        bb.put("file", file.toAbsolutePath().normalize().toString());
        bb.put("timeScale", timeScale);
        bb.put("offset", offsetSeconds + "s");
        return w;
    }

    /**
     * The FLEET.yaml key a field of a generated scenario came from: {@code field} as the simulator
     * names it, {@code entryKey} the FLEET.yaml entry of the VM at {@code vms[0]}, {@code traced}
     * when that entry is a trace folder (its memory, vCPUs and trace come from the FLEET.yaml traces block).
     */
    public static String fleetKey(String field, String entryKey, boolean traced) {
        if (field.equals("duration")) return "window.duration";
        if (field.equals("policy.name") || field.equals("policy")) return "policies";
        if (field.startsWith("vms[0]")) {
            String rest = field.substring("vms[0]".length());
            if (traced && (rest.startsWith(".workload.bitbrains") || rest.equals(".memory") || rest.equals(".vcpus"))) return entryKey + ".traces";
            if (traced && rest.equals(".workload.type")) return entryKey + ".workload";
            return entryKey + rest;
        }
        return field;
    }
}
