package dev.memvisor.sim.scenario;

import dev.memvisor.sim.TestPaths;
import dev.memvisor.settings.YamlMutations;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
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
        return YamlMutations.yamlish();
    }

    /** A key deleted or a value replaced anywhere in the tree: reaches every binding and check, not only the parser. */
    @Property(tries = 1000)
    void treeMutated(@ForAll("examples") String text, @ForAll double where, @ForAll("values") String value, @ForAll boolean delete) {
        readsOrRefusesAsDocumented(YamlMutations.treeMutated(text, where, value, delete).getBytes(StandardCharsets.UTF_8));
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
        return YamlMutations.mutated(exampleTexts());
    }
}
