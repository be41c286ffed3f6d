package dev.memvisor.settings;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One settings file read as a YAML tree that remembers the line of every key and which keys a
 * {@code --set PATH=VALUE} gave, so every later error (a wrong type, an unknown key, a value out of
 * range) names the file, the line and the key. Reading refuses what is not UTF-8 text, a key given
 * twice and malformed YAML with the parser's own reason and line.
 */
public final class YamlDocument {
    private final String name;
    private final ObjectNode root;
    private final Map<String, Integer> lines;
    private final Map<String, String> setBy = new HashMap<>();

    private YamlDocument(String name, ObjectNode root, Map<String, Integer> lines) {
        this.name = name;
        this.root = root;
        this.lines = lines;
    }

    /**
     * Reads a file; its name in messages is the path as given.
     *
     * @throws SettingsException when it cannot be read, is not UTF-8 text, is not valid YAML or is not a mapping
     */
    public static YamlDocument read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new SettingsException(file.toString(), 0, null, "", "no such file");
        } catch (IOException e) {
            throw new SettingsException(file.toString(), 0, null, "", "cannot read: " + e.getMessage());
        }
        return parse(bytes, file.toString());
    }

    /** Parses bytes that should be UTF-8 YAML text; {@code name} names them in messages. */
    public static YamlDocument parse(byte[] bytes, String name) {
        return parse(decode(bytes, name), name);
    }

    /** Parses YAML text; {@code name} names it in messages. An empty document is an empty mapping. */
    public static YamlDocument parse(String text, String name) {
        Map<String, Integer> lines = new HashMap<>();
        JsonNode tree;
        try (JsonParser p = SettingsMapper.YAML.getFactory().createParser(text)) {
            JsonToken first = p.nextToken();
            tree = first == null ? JsonNodeFactory.instance.objectNode() : read(p, "", lines);
            if (first != null && p.nextToken() != null) {
                throw new SettingsException(name, p.currentLocation().getLineNr(), null, "", "a second YAML document; expected one");
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof SettingsException se) throw se;
            throw yamlError(name, e);
        }
        if (tree.isNull() || tree.isMissingNode()) tree = JsonNodeFactory.instance.objectNode();
        if (!tree.isObject()) throw new SettingsException(name, 1, null, "", "expected a mapping of settings (key: value) at the top level");
        return new YamlDocument(name, (ObjectNode) tree, lines);
    }

    /** The file's name, as used in messages. */
    public String name() { return name; }

    /** The tree, for checks before binding (such as a key that moved). */
    public ObjectNode root() { return root; }

    /**
     * Rewrites a top-level scalar {@code key: VALUE} as {@code key: {into: VALUE}} (a shorthand such as
     * {@code policy: esx}), so overrides of {@code key.x} find a mapping; errors keep the key's line.
     */
    public void expandScalar(String key, String into) {
        JsonNode v = root.get(key);
        if (v != null && v.isValueNode() && !v.isNull()) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.set(into, v);
            root.set(key, o);
            Integer l = lines.get(key);
            if (l != null) lines.put(key + "." + into, l);
        }
    }

    /**
     * Applies {@code PATH=VALUE}: the value is read as YAML (so numbers stay numbers and {@code {a: 1}}
     * is a mapping); the path is dotted with list indexes as {@code vms[1].memory} or {@code vms.1.memory}.
     * Errors name the override.
     */
    public void set(String override) {
        set(override, "--set " + override);
    }

    /** Applies {@code PATH=VALUE} as {@link #set(String)} does; {@code label} names it in messages (e.g. {@code --policy hyperv}). */
    public void set(String override, String label) {
        int eq = override.indexOf('=');
        if (eq <= 0) throw new SettingsException(name, 0, label, "", "expected PATH=VALUE, e.g. policy.idleTax=0.5");
        String path = override.substring(0, eq).trim();
        String raw = override.substring(eq + 1);
        JsonNode value;
        try {
            value = raw.isBlank() ? JsonNodeFactory.instance.textNode(raw) : SettingsMapper.YAML.readTree(raw);
        } catch (IOException | RuntimeException e) {
            value = JsonNodeFactory.instance.textNode(raw);
        }
        if (value == null || value.isMissingNode()) value = JsonNodeFactory.instance.textNode(raw);
        String[] parts = path.replace("[", ".").replace("]", "").split("\\.", -1);
        JsonNode node = root;
        StringBuilder dotted = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            boolean last = i == parts.length - 1;
            boolean index = !part.isEmpty() && part.chars().allMatch(Character::isDigit);
            if (part.isEmpty()) throw new SettingsException(name, 0, label, path, "an empty step in the path");
            if (index) dotted.append('[').append(part).append(']');
            else dotted.append(dotted.length() == 0 ? "" : ".").append(part);
            if (index) {
                int n = part.length() > 6 ? Integer.MAX_VALUE : Integer.parseInt(part);
                if (!(node instanceof ArrayNode a) || n >= a.size()) {
                    throw new SettingsException(name, 0, label, dotted.toString(), "does not exist (no such list entry)");
                }
                if (last) a.set(n, value);
                else node = a.get(n);
            } else {
                if (!(node instanceof ObjectNode o)) {
                    throw new SettingsException(name, 0, label, dotted.toString(), "is not inside a mapping");
                }
                if (last) {
                    o.set(part, value);
                } else {
                    JsonNode next = o.get(part);
                    if (next == null || next.isNull()) {
                        next = JsonNodeFactory.instance.objectNode();
                        o.set(part, next);
                    }
                    node = next;
                }
            }
        }
        String key = dotted.toString();
        // what was under the key came from the override now, not from its old lines
        setBy.keySet().removeIf(k -> k.startsWith(key + ".") || k.startsWith(key + "["));
        setBy.put(key, label);
    }

    /** An error about {@code key}, naming the file and the line where it is written or the {@code --set} that gave it. */
    public SettingsException error(String key, String detail) {
        // a key that only holds what a --set wrote below it (host.policy from --set host.policy.idleTax=0)
        for (Map.Entry<String, String> e : setBy.entrySet()) {
            if (!lines.containsKey(key) && (e.getKey().startsWith(key + ".") || e.getKey().startsWith(key + "["))) {
                return new SettingsException(name, 0, e.getValue(), key, detail);
            }
        }
        String k = key;
        while (true) {
            if (setBy.containsKey(k)) return new SettingsException(name, 0, setBy.get(k), key, detail);
            Integer l = lines.get(k);
            if (l != null) return new SettingsException(name, l, null, key, detail);
            int cut = Math.max(k.lastIndexOf('.'), k.lastIndexOf('['));
            if (cut <= 0) return new SettingsException(name, 0, null, key, detail);
            k = k.substring(0, cut);
        }
    }

    /**
     * Binds the tree onto {@code type} with Jackson, then checks every {@code @Setting} range of the result.
     *
     * @throws SettingsException naming the file, line and key of the first problem
     */
    public <T> T bind(Class<T> type) {
        T value;
        try {
            value = SettingsMapper.YAML.treeToValue(root, type);
        } catch (JsonMappingException e) {
            String key = pathOf(e);
            throw error(key, describe(e, key));
        } catch (IOException e) {
            throw new SettingsException(name, 0, null, "", firstLine(e.getMessage()));
        }
        SettingChecks.check(value, "", this);
        return value;
    }

    private String describe(JsonMappingException e, String key) {
        if (e instanceof SettingValueException) return e.getOriginalMessage();
        if (e instanceof UnrecognizedPropertyException u) {
            List<String> known = new ArrayList<>();
            for (Object o : u.getKnownPropertyIds()) known.add(String.valueOf(o));
            return "unknown field '" + u.getPropertyName() + "'; known fields: " + new TreeSet<>(known);
        }
        if (e.getCause() instanceof SettingValueException sv) return sv.getOriginalMessage();
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            JsonNode got = at(key);
            return "got " + (got == null ? "nothing" : shown(got)) + ", expected " + SettingChecks.kindOf(m.getTargetType());
        }
        return "wrong type: " + firstLine(e.getOriginalMessage());
    }

    /** The node at a dotted key, or null. */
    JsonNode at(String key) {
        JsonNode n = root;
        for (String part : key.replace("[", ".").replace("]", "").split("\\.")) {
            if (part.isEmpty()) continue;
            if (n == null) return null;
            n = part.chars().allMatch(Character::isDigit) && n.isArray() ? n.get(Integer.parseInt(part)) : n.get(part);
        }
        return n;
    }

    /** A value as a message shows it: text quoted, mappings and lists as such. */
    static String shown(JsonNode n) {
        if (n.isTextual()) return "'" + n.asText() + "'";
        if (n.isObject()) return "a mapping";
        if (n.isArray()) return "a list";
        if (n.isNull()) return "nothing (null)";
        return n.asText();
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

    /** Builds the node tree while recording each key's line under its dotted path ({@code vms[0].memory}). */
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

    /** Strict UTF-8 (a byte-order mark is skipped): a binary file is named as such, not decoded into garbage. */
    private static String decode(byte[] bytes, String name) {
        int start = bytes.length >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB && (bytes[2] & 0xff) == 0xBF ? 3 : 0;
        for (int i = start; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                throw new SettingsException(name, lineAt(bytes, i), null, "", "not a text file (a NUL byte at offset " + i
                        + "); expected UTF-8 YAML");
            }
        }
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
        try {
            return d.decode(in).toString();
        } catch (CharacterCodingException e) {
            int at = in.position();
            throw new SettingsException(name, lineAt(bytes, at), null, "", String.format(java.util.Locale.ROOT,
                    "not UTF-8 text (byte 0x%02X at offset %d); expected UTF-8 YAML", bytes[Math.min(at, bytes.length - 1)] & 0xff, at));
        }
    }

    private static int lineAt(byte[] bytes, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < bytes.length; i++) if (bytes[i] == '\n') line++;
        return line;
    }

    /**
     * The YAML parser's own reason and the line of the problem (not of its context: a tab is reported
     * where it is). SnakeYAML's marks are 0-based.
     */
    private static SettingsException yamlError(String name, Exception e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof org.yaml.snakeyaml.error.MarkedYAMLException m) {
                int line = m.getProblemMark() != null ? m.getProblemMark().getLine() + 1
                        : m.getContextMark() != null ? m.getContextMark().getLine() + 1 : 0;
                String reason = m.getProblem() == null ? firstLine(m.getMessage()) : m.getProblem();
                String context = m.getContext() == null ? "" : " (" + m.getContext() + ")";
                return new SettingsException(name, line, null, "", "not valid YAML: " + reason.trim() + context);
            }
            if (c instanceof org.yaml.snakeyaml.error.YAMLException y) {
                return new SettingsException(name, 0, null, "", "not valid YAML: " + firstLine(y.getMessage()));
            }
        }
        int line = e instanceof JsonProcessingException jpe && jpe.getLocation() != null ? jpe.getLocation().getLineNr() : 0;
        String msg = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
        return new SettingsException(name, Math.max(line, 0), null, "", "not valid YAML: " + firstLine(msg == null ? e.toString() : msg));
    }

    static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
