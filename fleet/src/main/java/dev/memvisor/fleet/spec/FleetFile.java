package dev.memvisor.fleet.spec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A FLEET.yaml read with Jackson, each key's line remembered, so every error names the file, the
 * line and the key ({@code fleet.yaml:12: key vms[1].traces: ...}).
 */
public final class FleetFile {
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

    private final Path file;
    private final Map<String, Integer> lines;
    private final FleetSpec spec;

    private FleetFile(Path file, Map<String, Integer> lines, FleetSpec spec) {
        this.file = file;
        this.lines = lines;
        this.spec = spec;
    }

    /** Reads and binds {@code file}; a YAML, type or unknown-key error names its line. */
    public static FleetFile read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new FleetException(file + ": cannot read the fleet file (" + e + ")");
        }
        Map<String, Integer> lines = new HashMap<>();
        JsonNode tree;
        try (JsonParser p = YAML.getFactory().createParser(text)) {
            tree = p.nextToken() == null ? JsonNodeFactory.instance.objectNode() : read(p, "", lines);
        } catch (IOException e) {
            int line = e instanceof JsonProcessingException j && j.getLocation() != null ? j.getLocation().getLineNr() : 0;
            throw new FleetException(file + ":" + line + ": not valid YAML: " + firstLine(e.getMessage()));
        }
        if (!tree.isObject()) throw new FleetException(file + ":1: expected a mapping of fleet keys at the top level");
        FleetFile partial = new FleetFile(file, lines, null);
        try {
            return new FleetFile(file, lines, YAML.treeToValue(tree, FleetSpec.class));
        } catch (UnrecognizedPropertyException e) {
            String key = pathOf(e);
            throw partial.error(key, "unknown key '" + e.getPropertyName() + "'; known keys: " + e.getKnownPropertyIds());
        } catch (JsonMappingException e) {
            throw partial.error(pathOf(e), "wrong type: " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new FleetException(file + ": " + e.getMessage());
        }
    }

    /** The bound spec. */
    public FleetSpec spec() { return spec; }

    /** The file. */
    public Path path() { return file; }

    /** The folder relative paths in the file resolve against. */
    public Path baseDir() { return file.toAbsolutePath().normalize().getParent(); }

    /** An error at {@code key} (a dotted path such as {@code vms[2].workload.skew}): file, line of the key or its nearest parent, key, message. */
    public FleetException error(String key, String what) {
        return new FleetException(where(key) + "key " + key + ": " + what);
    }

    /** {@code FILE:LINE: } of {@code key}, or of its nearest parent that is written in the file. */
    public String where(String key) {
        String k = key;
        while (true) {
            Integer line = lines.get(k);
            if (line != null) return file + ":" + line + ": ";
            int cut = Math.max(k.lastIndexOf('.'), k.lastIndexOf('['));
            if (cut <= 0) return file + ": ";
            k = k.substring(0, cut);
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

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
