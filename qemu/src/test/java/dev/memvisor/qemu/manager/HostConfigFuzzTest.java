package dev.memvisor.qemu.manager;

import dev.memvisor.settings.YamlMutations;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
            runDir: /run/memvisor/vms
            stateFile: state.json
            libvirt:
              enabled: auto
              uri: qemu:///system
              domains:
                - {name: web, reservation: 512M, limit: 2G, shares: high, ballooning: true}
            vms:
              - {name: vm1, qmp: /run/vm1.qmp, memory: 256M, reservation: 64M, limit: 256M, shares: normal, ballooning: true}
              - name: vm2
                qmp: vm2.qmp
                shares: 2000
            """;

    private static void readsOrRefusesAsDocumented(byte[] bytes) {
        try {
            HostConfig c = HostConfig.parse(bytes, NAME, BASE, List.of());
            // what the manager relies on once a file is read: every key resolved, names and sockets unique
            assertThat(c.runDir()).isNotNull();
            assertThat(c.libvirt()).isNotNull();
            assertThat(c.vms()).extracting(VmConfig::name).doesNotHaveDuplicates();
            assertThat(c.vms()).extracting(VmConfig::qmpSocket).doesNotHaveDuplicates();
            assertThat(c.libvirt().domains()).extracting(DomainConfig::name).doesNotHaveDuplicates();
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

    /** A key deleted or a value replaced anywhere in the tree: reaches every binding and check, not only the parser. */
    @Property(tries = 1000)
    void treeMutated(@ForAll("full") String text, @ForAll double where, @ForAll("values") String value, @ForAll boolean delete) {
        readsOrRefusesAsDocumented(YamlMutations.treeMutated(text, where, value, delete).getBytes(StandardCharsets.UTF_8));
    }

    @Provide
    Arbitrary<String> full() {
        return Arbitraries.just(FULL);
    }

    @Provide
    Arbitrary<String> paths() {
        return Arbitraries.of("interval", "policy", "policy.idleTax", "policy.name", "policy.thresholds.low", "metricsPort", "ksm",
                "ksm.sleepMillis", "vms", "vms[0]", "vms[0].qmp", "vms[1].name", "vms[1].limit", "vms[5].memory", "budget", "log", "a..b",
                "libvirt", "libvirt.enabled", "libvirt.uri", "libvirt.domains", "libvirt.domains[0].reservation", "libvirt.domains[1].name",
                "runDir", "stateFile");
    }

    @Provide
    Arbitrary<String> values() {
        return Arbitraries.of("", "0", "-5", "abc", "1e400", "[{}]", "[~]", "{name: x, qmp: y}", "{sleepMillis: 0}", "99999999999999999999s", "{}", "[]", "~", "{a: 1}", "1h", "vm1",
                "/run/vm1.qmp", "4G", "true", "'", "{", "65536", "0.5", ".nan", "9999999999999");
    }

    @Provide
    Arbitrary<String> mutated() {
        return YamlMutations.mutated(List.of(FULL));
    }
}
