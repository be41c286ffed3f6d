package dev.memvisor.settings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Inputs for fuzzing a settings file reader (the scenario's, host.yaml's): the text of valid files
 * mutated character by character and line by line, and trees with a key deleted or a value replaced
 * anywhere, so a fuzz test reaches the parser, the binding and every check. Shared by the modules' fuzz tests.
 */
public final class YamlMutations {
    /** Characters and fragments that mean something to YAML, or to a value. */
    private static final List<String> FRAGMENTS = List.of(":", " ", "\n", "\t", "{", "}", "[", "]", "-", "#", "&a", "*a", "!!binary",
            "|", ">", "'", "\"", "0", "-1", "999999999999999999999", "1e400", "~", "\n  - ", ": :", ",", "\u00e9", "%", "@", "`", "\r",
            "\\", "policy: nope\n", "vms: []\n");

    private YamlMutations() {}

    /** Text with YAML-meaningful characters and a few that are not text at all. */
    public static Arbitrary<String> yamlish() {
        return Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789 :-{}[],#&*!|>'\"%@`\t\n\r.~\u00e9\u0000\u007f")
                .ofMaxLength(300);
    }

    /** One of {@code texts}, with characters inserted, deleted or replaced, or a line dropped, repeated or swapped. */
    public static Arbitrary<String> mutated(List<String> texts) {
        Arbitrary<Integer> kind = Arbitraries.integers().between(0, 5);
        Arbitrary<Double> where = Arbitraries.doubles().between(0, 1);
        return Combinators.combine(Arbitraries.of(texts), kind, where, where, Arbitraries.of(FRAGMENTS)).as((text, k, a, b, ins) -> {
            int i = (int) (a * text.length());
            int j = Math.min(text.length(), i + (int) (b * 40));
            List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
            int li = Math.min(lines.size() - 1, (int) (a * lines.size()));
            int lj = Math.min(lines.size() - 1, (int) (b * lines.size()));
            switch (k) {
                case 0: return text.substring(0, i) + ins + text.substring(i);
                case 1: return text.substring(0, i) + text.substring(j);
                case 2: return text.substring(0, i) + ins + text.substring(j);
                case 3: lines.add(lj, lines.get(li)); return String.join("\n", lines);
                case 4: lines.remove(li); return String.join("\n", lines);
                default: String t = lines.get(li); lines.set(li, lines.get(lj)); lines.set(lj, t); return String.join("\n", lines);
            }
        });
    }

    /**
     * {@code text} (valid YAML) with one key deleted or one value replaced by {@code value} (read as YAML
     * when it is YAML on its own, else as text), at the node {@code where} (0..1) of a walk of the tree.
     */
    public static String treeMutated(String text, double where, String value, boolean delete) {
        YAMLMapper yaml = new YAMLMapper();
        try {
            JsonNode root = yaml.readTree(text);
            List<Object[]> all = new ArrayList<>();
            nodes(root, all);
            Object[] at = all.get((int) Math.floor(Math.abs(where) % 1.0 * all.size()));
            JsonNode v;
            try {
                v = yaml.readTree(value.isEmpty() ? "''" : value);
            } catch (IOException e) {
                v = null; // not YAML on its own (a lone quote): the text itself
            }
            if (v == null || v.isMissingNode()) v = TextNode.valueOf(value);
            if (at[0] instanceof ObjectNode o) {
                if (delete) o.remove((String) at[1]);
                else o.set((String) at[1], v);
            } else if (at[0] instanceof ArrayNode a) {
                if (delete) a.remove((Integer) at[1]);
                else a.set((Integer) at[1], v);
            }
            return yaml.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every field and list entry of the tree, as (parent, key or index). */
    private static void nodes(JsonNode n, List<Object[]> out) {
        if (n.isObject()) {
            for (var it = n.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                out.add(new Object[] {n, k});
                nodes(n.get(k), out);
            }
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                out.add(new Object[] {n, i});
                nodes(n.get(i), out);
            }
        }
    }
}
