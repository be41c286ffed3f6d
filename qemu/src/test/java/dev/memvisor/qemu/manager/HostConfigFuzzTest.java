package dev.memvisor.qemu.manager;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Any host.yaml gives a configuration or the documented error, a ConfigException whose message starts
 * with the file's name (and line), never another exception: random bytes, a full host.yaml mutated
 * (characters that mean something to YAML, lines dropped, repeated or swapped) and cut short.
 */
class HostConfigFuzzTest {
    private static final String NAME = "host.yaml";
    private static final Pattern DOCUMENTED = Pattern.compile("^" + Pattern.quote(NAME) + "(:\\d+)?: \\S.*", Pattern.DOTALL);
    private static final Path BASE = Path.of("/run/memvisor-fuzz");

    /** Every key, as README's host.yaml shows it. */
    static final String FULL = """
            policy:
              name: esx
              idleTax: 0.75
              thresholds: {high: 0.06, soft: 0.04, hard: 0.02, low: 0.01}
              proxmoxMaxStep: 100M
            interval: 5s
            stateCheckInterval: 250ms
            budget: 0
            overheadPerVm: 32M
            metricsPort: 0
            log: ""
            ksm: {manage: true, sleepMillis: 20}
            cgroups: false
            cgroupHeadroom: 256M
            vms:
              - {name: vm1, qmp: /run/vm1.qmp, memory: 256M, reservation: 64M, limit: 256M, shares: normal, ballooning: true}
              - name: vm2
                qmp: vm2.qmp
                shares: 2000
            """;

    private static void readsOrRefusesAsDocumented(byte[] bytes) {
        try {
            HostConfig c = HostConfig.parse(bytes, NAME, BASE, List.of());
            assertThat(c.vms()).isNotEmpty();
        } catch (ConfigException e) {
            assertThat(e.getMessage()).matches(DOCUMENTED);
        }
    }

    @Property(tries = 500)
    void randomBytes(@ForAll byte[] bytes) {
        readsOrRefusesAsDocumented(bytes);
    }

    @Property(tries = 1000)
    void mutatedFile(@ForAll("mutated") String text) {
        readsOrRefusesAsDocumented(text.getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 300)
    void truncatedFile(@ForAll double where) {
        byte[] utf8 = FULL.getBytes(StandardCharsets.UTF_8);
        readsOrRefusesAsDocumented(java.util.Arrays.copyOf(utf8, (int) Math.floor(Math.abs(where) % 1.0 * utf8.length)));
    }

    @Property(tries = 300)
    void overrides(@ForAll("paths") String path, @ForAll("values") String value) {
        try {
            HostConfig.parse(FULL.getBytes(StandardCharsets.UTF_8), NAME, BASE, List.of(path + "=" + value));
        } catch (ConfigException e) {
            assertThat(e.getMessage()).matches(DOCUMENTED);
        }
    }

    @Property(tries = 50)
    void theFullFileReadsAsWritten(@ForAll boolean unused) {
        HostConfig c = HostConfig.parse(FULL.getBytes(StandardCharsets.UTF_8), NAME, BASE, List.of());
        assertThat(c.vms()).extracting(VmConfig::qmpSocket).containsExactly(Path.of("/run/vm1.qmp"), BASE.resolve("vm2.qmp"));
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
    void treeMutated(@ForAll("full") String text, @ForAll double where, @ForAll("values") String value, @ForAll boolean delete) throws Exception {
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
    Arbitrary<String> full() {
        return Arbitraries.just(FULL);
    }

    @Provide
    Arbitrary<String> paths() {
        return Arbitraries.of("interval", "policy", "policy.idleTax", "policy.name", "policy.thresholds.low", "metricsPort", "ksm",
                "ksm.sleepMillis", "vms", "vms[0]", "vms[0].qmp", "vms[1].name", "vms[1].limit", "vms[5].memory", "budget", "log", "a..b");
    }

    @Provide
    Arbitrary<String> values() {
        return Arbitraries.of("", "0", "-5", "abc", "1e400", "[{}]", "[~]", "{name: x, qmp: y}", "{sleepMillis: 0}", "99999999999999999999s", "{}", "[]", "~", "{a: 1}", "1h", "vm1",
                "/run/vm1.qmp", "4G", "true", "'", "{", "65536", "0.5", ".nan", "9999999999999");
    }

    @Provide
    Arbitrary<String> mutated() {
        Arbitrary<Integer> kind = Arbitraries.integers().between(0, 5);
        Arbitrary<Double> where = Arbitraries.doubles().between(0, 1);
        Arbitrary<String> insert = Arbitraries.of(":", " ", "\n", "\t", "{", "}", "[", "]", "-", "#", "&a", "*a", "!!binary", "|", ">",
                "'", "\"", "0", "-5", "abc", "999999999999999999999", "1e400", "~", "\n  - ", ",", "\u00e9", "%", "@", "`", "\r",
                "policy: nope\n", "interval: 1s\n", "vms: []\n", "  - {name: vm1, qmp: /run/vm1.qmp}\n");
        return Combinators.combine(kind, where, where, insert).as((k, a, b, ins) -> {
            String text = FULL;
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
