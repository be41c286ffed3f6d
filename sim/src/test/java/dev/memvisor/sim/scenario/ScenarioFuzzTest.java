package dev.memvisor.sim.scenario;

import dev.memvisor.sim.TestPaths;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Any input to the scenario reader gives a scenario or the documented error, a ScenarioException whose
 * message starts with the file's name (and line), never another exception: random bytes, the examples
 * mutated (characters that mean something to YAML, lines dropped or repeated, values swapped) and cut short.
 */
class ScenarioFuzzTest {
    private static final String NAME = "fuzz.yaml";
    private static final Pattern DOCUMENTED = Pattern.compile("^" + Pattern.quote(NAME) + "(:\\d+)?: \\S.*", Pattern.DOTALL);
    private static final Path EXAMPLES = TestPaths.root().resolve("examples");

    private static List<String> exampleTexts() {
        try (var files = Files.list(EXAMPLES)) {
            List<String> out = new ArrayList<>();
            for (Path p : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) out.add(Files.readString(p));
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void readsOrRefusesAsDocumented(byte[] bytes) {
        try {
            Scenario s = ScenarioLoader.parse(bytes, NAME, EXAMPLES, List.of());
            assertThat(s.vms()).isNotEmpty();
        } catch (ScenarioException e) {
            assertThat(e.getMessage()).matches(DOCUMENTED);
        }
    }

    @Property(tries = 500)
    void randomBytes(@ForAll byte[] bytes) {
        readsOrRefusesAsDocumented(bytes);
    }

    @Property(tries = 500)
    void randomText(@ForAll("yamlish") String text) {
        readsOrRefusesAsDocumented(text.getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 1000)
    void mutatedExamples(@ForAll("mutated") String text) {
        readsOrRefusesAsDocumented(text.getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 300)
    void truncatedExamples(@ForAll("examples") String text, @ForAll double where) {
        int cut = (int) Math.floor(Math.abs(where) % 1.0 * text.length());
        readsOrRefusesAsDocumented(text.substring(0, cut).getBytes(StandardCharsets.UTF_8));
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        readsOrRefusesAsDocumented(java.util.Arrays.copyOf(utf8, (int) Math.floor(Math.abs(where) % 1.0 * utf8.length)));
    }

    @Property(tries = 300)
    void overrides(@ForAll("examples") String text, @ForAll("paths") String path, @ForAll("values") String value) {
        try {
            ScenarioLoader.parse(text, NAME, EXAMPLES, List.of(path + "=" + value));
        } catch (ScenarioException e) {
            assertThat(e.getMessage()).matches(DOCUMENTED);
        }
    }

    @Provide
    Arbitrary<String> examples() {
        return Arbitraries.of(exampleTexts());
    }

    @Provide
    Arbitrary<String> yamlish() {
        return Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789 :-{}[],#&*!|>'\"%@`\t\n\r.~\u00e9\u0000\u007f")
                .ofMaxLength(300);
    }

    /** Every field and list entry of the tree, as (parent, key or index). */
    private static void nodes(com.fasterxml.jackson.databind.JsonNode n, List<Object[]> out) {
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

    /** A key deleted or a value replaced anywhere in the tree: reaches every binding and check, not only the parser. */
    @Property(tries = 1000)
    void treeMutated(@ForAll("examples") String text, @ForAll double where, @ForAll("values") String value, @ForAll boolean delete) throws Exception {
        var yaml = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper();
        var root = yaml.readTree(text);
        List<Object[]> all = new ArrayList<>();
        nodes(root, all);
        Object[] at = all.get((int) Math.floor(Math.abs(where) % 1.0 * all.size()));
        com.fasterxml.jackson.databind.JsonNode v;
        try {
            v = yaml.readTree(value.isEmpty() ? "''" : value);
        } catch (java.io.IOException e) {
            v = null; // not YAML on its own (a lone quote): the text itself
        }
        if (v == null || v.isMissingNode()) v = com.fasterxml.jackson.databind.node.TextNode.valueOf(value);
        if (at[0] instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
            if (delete) o.remove((String) at[1]);
            else o.set((String) at[1], v);
        } else if (at[0] instanceof com.fasterxml.jackson.databind.node.ArrayNode a) {
            if (delete) a.remove((Integer) at[1]);
            else a.set((Integer) at[1], v);
        }
        readsOrRefusesAsDocumented(yaml.writeValueAsString(root).getBytes(StandardCharsets.UTF_8));
    }

    @Provide
    Arbitrary<String> paths() {
        return Arbitraries.of("duration", "policy", "policy.idleTax", "policy.thresholds.soft", "policy.name", "host", "host.memory",
                "host.cores", "vms", "vms[0]", "vms[0].memory", "vms[0].count", "vms[9].memory", "vms.0.workload.phases",
                "host.policy.idleTax", "seed", "step", "vms[0].workload.type", "a..b", "vms[99999999999]");
    }

    @Provide
    Arbitrary<String> values() {
        return Arbitraries.of("", "0", "-1", "1e400", "{duration: 1s}", "[{}]", "[~]", "{name: x, qmp: y}", "99999999999999999999h", "abc", "{}", "[]", "~", "[1, 2]", "{a: 1}", "4G", "1.5",
                "true", "esx", "'", "{", "\t", "0.5", "-0.0", "NaN", ".inf", "4096", "1us");
    }

    @Provide
    Arbitrary<String> mutated() {
        Arbitrary<String> base = Arbitraries.of(exampleTexts());
        Arbitrary<Integer> kind = Arbitraries.integers().between(0, 5);
        Arbitrary<Double> where = Arbitraries.doubles().between(0, 1);
        Arbitrary<String> insert = Arbitraries.of(":", " ", "\n", "\t", "{", "}", "[", "]", "-", "#", "&a", "*a", "!!binary", "|", ">",
                "'", "\"", "0", "-1", "999999999999999999999", "1e400", "~", "\n  - ", ": :", ",", "\u00e9", "%", "@", "`", "\r", "\\",
                "policy: nope\n", "host:\n  policy: {}\n");
        return Combinators.combine(base, kind, where, where, insert).as((text, k, a, b, ins) -> {
            int i = (int) (a * text.length());
            int j = Math.min(text.length(), i + (int) (b * 40));
            List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
            int li = Math.min(lines.size() - 1, (int) (a * lines.size())), lj = Math.min(lines.size() - 1, (int) (b * lines.size()));
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
}
