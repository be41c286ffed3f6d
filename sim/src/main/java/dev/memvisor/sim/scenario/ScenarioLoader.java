package dev.memvisor.sim.scenario;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a scenario YAML file, applies {@code --set PATH=VALUE} overrides and validates it. Every
 * error names the file, the line (or the --set that gave the value) and the field, before any run.
 */
public final class ScenarioLoader {
    private static final ObjectMapper YAML = new ObjectMapper(
            YAMLFactory.builder().enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

    private ScenarioLoader() {}

    /** Loads, overrides and validates the scenario in {@code file}. */
    public static Scenario load(Path file, List<String> overrides) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ScenarioException("", file + ": cannot read the scenario file (" + e.getMessage() + ")");
        }
        return parse(text, file.toString(), file.toAbsolutePath().getParent(), overrides);
    }

    /** Parses scenario text; {@code name} is used in messages, {@code baseDir} resolves relative trace paths. */
    public static Scenario parse(String text, String name, Path baseDir, List<String> overrides) {
        Map<String, Integer> lines = new HashMap<>();
        JsonNode tree;
        try (JsonParser p = YAML.getFactory().createParser(text)) {
            JsonToken first = p.nextToken();
            tree = first == null ? JsonNodeFactory.instance.objectNode() : read(p, "", lines);
        } catch (IOException e) {
            int line = e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe && jpe.getLocation() != null
                    ? jpe.getLocation().getLineNr() : 0;
            throw new ScenarioException("", name + ":" + line + ": not valid YAML: " + firstLine(e.getMessage()));
        }
        if (!tree.isObject()) throw new ScenarioException("", name + ":1: expected a mapping of scenario fields at the top level");
        Map<String, String> setBy = new HashMap<>();
        for (String o : overrides) applyOverride((ObjectNode) tree, o, setBy);
        ScenarioSpec spec;
        try {
            spec = YAML.treeToValue(tree, ScenarioSpec.class);
        } catch (JsonMappingException e) {
            String field = pathOf(e);
            String what = e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException u
                    ? "unknown field '" + u.getPropertyName() + "'; known fields: " + u.getKnownPropertyIds()
                    : "wrong type: " + firstLine(e.getOriginalMessage());
            throw new ScenarioException(field, where(name, field, lines, setBy) + "field " + field + ": " + what);
        } catch (IOException e) {
            throw new ScenarioException("", name + ": " + e.getMessage());
        }
        try {
            return ScenarioValidator.validate(spec, baseDir);
        } catch (ScenarioException e) {
            throw new ScenarioException(e.field(), where(name, e.field(), lines, setBy) + "field " + e.field() + ": " + e.getMessage());
        }
    }

    private static String where(String name, String field, Map<String, Integer> lines, Map<String, String> setBy) {
        String f = field;
        while (true) {
            if (setBy.containsKey(f)) return name + ": (--set " + setBy.get(f) + ") ";
            Integer line = lines.get(f);
            if (line != null) return name + ":" + line + ": ";
            int dot = f.lastIndexOf('.');
            if (dot < 0) return name + ": ";
            f = f.substring(0, dot);
        }
    }

    private static String pathOf(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) sb.append('.');
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    /** Builds the node tree while recording each field's line under its dotted path ({@code vms[0].memory}). */
    private static JsonNode read(JsonParser p, String path, Map<String, Integer> lines) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                String child = path.isEmpty() ? key : path + "." + key;
                lines.put(child, p.currentLocation().getLineNr());
                p.nextToken();
                o.set(key, read(p, child, lines));
            }
            return o;
        }
        if (t == JsonToken.START_ARRAY) {
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            int i = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                String child = path + "[" + i++ + "]";
                lines.put(child, p.currentLocation().getLineNr());
                a.add(read(p, child, lines));
            }
            return a;
        }
        JsonNode n = p.readValueAsTree();
        return n == null ? JsonNodeFactory.instance.nullNode() : n;
    }

    /** Applies {@code a.b[0].c=value}; the value is read as a YAML scalar, so numbers stay numbers. */
    static void applyOverride(ObjectNode root, String override, Map<String, String> setBy) {
        int eq = override.indexOf('=');
        if (eq <= 0) throw new ScenarioException("", "--set " + override + ": expected PATH=VALUE, e.g. host.policy.idleTax=0");
        String path = override.substring(0, eq).trim();
        String raw = override.substring(eq + 1);
        JsonNode value;
        try {
            value = raw.isEmpty() ? JsonNodeFactory.instance.textNode("") : YAML.readTree(raw);
        } catch (IOException e) {
            value = JsonNodeFactory.instance.textNode(raw);
        }
        if (value == null || value.isMissingNode()) value = JsonNodeFactory.instance.textNode(raw);
        String[] parts = path.replace("[", ".").replace("]", "").split("\\.");
        JsonNode node = root;
        StringBuilder dotted = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            boolean last = i == parts.length - 1;
            boolean index = part.chars().allMatch(Character::isDigit) && !part.isEmpty();
            if (index) dotted.append('[').append(part).append(']');
            else dotted.append(dotted.length() == 0 ? "" : ".").append(part);
            if (index) {
                if (!(node instanceof ArrayNode a) || Integer.parseInt(part) >= a.size()) {
                    throw new ScenarioException(dotted.toString(), "--set " + override + ": " + dotted + " does not exist (no such list entry)");
                }
                if (last) a.set(Integer.parseInt(part), value);
                else node = a.get(Integer.parseInt(part));
            } else {
                if (!(node instanceof ObjectNode o)) {
                    throw new ScenarioException(dotted.toString(), "--set " + override + ": " + dotted + " is not inside a mapping");
                }
                if (last) o.set(part, value);
                else {
                    JsonNode next = o.get(part);
                    if (next == null || next.isNull()) {
                        next = JsonNodeFactory.instance.objectNode();
                        o.set(part, next);
                    }
                    node = next;
                }
            }
        }
        setBy.put(dotted.toString(), override);
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
