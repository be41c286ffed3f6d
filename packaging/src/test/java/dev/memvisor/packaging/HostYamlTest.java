package dev.memvisor.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.memvisor.core.model.MemoryThresholds;
import dev.memvisor.core.policy.PolicyConfig;
import dev.memvisor.core.unit.Size;
import dev.memvisor.qemu.manager.HostConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped /etc/memvisor/host.yaml: nothing active, and every key it shows commented out is a
 * key the code reads, with the code's default. Uncommenting (dropping the '#' of each setting
 * line) must give a file HostConfig accepts, and a policy block whose keys are PolicyConfig's.
 */
class HostYamlTest {
    private static final Path FILE = Path.of(System.getProperty("memvisor.root", ".")).resolve("packaging/src/deb/files/host.yaml");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void nothingIsActive() throws IOException {
        for (String line : Files.readAllLines(FILE)) {
            assertThat(line.isBlank() || line.trim().startsWith("#")).as("an active line: %s", line).isTrue();
        }
    }

    @Test
    void theUncommentedManagerKeysAreWhatHostConfigReadsWithItsDefaults(@TempDir Path dir) throws IOException {
        ObjectNode root = uncommented();
        root.remove("policy"); // read as a block by the coming settings model; checked below
        Path f = dir.resolve("host.yaml");
        YAML.writeValue(f.toFile(), root);
        HostConfig c = HostConfig.load(f); // rejects unknown keys, naming them
        assertThat(c.interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.stateCheckInterval()).isEqualTo(HostConfig.DEFAULT_STATE_CHECK);
        assertThat(c.budgetBytes()).isZero();
        assertThat(c.overheadPerVmBytes()).isEqualTo(32 * Size.MIB);
        assertThat(c.metricsPort()).isZero();
        assertThat(c.log()).isNull();
        assertThat(c.manageKsm()).isTrue();
        assertThat(c.ksmSleepMillis()).isEqualTo(20);
        assertThat(c.cgroups()).isFalse();
        assertThat(c.cgroupHeadroomBytes()).isEqualTo(256 * Size.MIB);
        assertThat(c.vms()).hasSize(1);
    }

    @Test
    void thePolicyBlockHasPolicyConfigsFieldsWithTheirDefaults() throws Exception {
        JsonNode policy = uncommented().path("policy");
        assertThat(policy.path("name").asText()).isEqualTo("esx");
        Set<String> keys = names(policy);
        keys.remove("name");
        assertThat(keys).isEqualTo(components(PolicyConfig.class));
        assertThat(names(policy.path("thresholds"))).isEqualTo(components(MemoryThresholds.class));

        PolicyConfig defaults = PolicyConfig.defaults();
        for (RecordComponent rc : PolicyConfig.class.getRecordComponents()) {
            if (rc.getType() == MemoryThresholds.class) continue;
            Object want = rc.getAccessor().invoke(defaults);
            Object got = YAML.convertValue(policy.path(rc.getName()), rc.getType());
            assertThat(got).as("policy.%s", rc.getName()).isEqualTo(want);
        }
        MemoryThresholds t = YAML.convertValue(policy.path("thresholds"), MemoryThresholds.class);
        assertThat(t).isEqualTo(defaults.thresholds());
    }

    /** The file with the '#' of each setting line removed ("#key:", "#  key:", "#  - item"); prose is "# Text" (one space). */
    private static ObjectNode uncommented() throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(FILE)) {
            boolean setting = line.startsWith("#") && (!line.startsWith("# ") || line.startsWith("#  "));
            out.add(setting ? line.substring(1) : line);
        }
        return (ObjectNode) YAML.readTree(String.join("\n", out));
    }

    private static Set<String> names(JsonNode n) {
        Set<String> s = new TreeSet<>();
        n.fieldNames().forEachRemaining(s::add);
        return s;
    }

    private static Set<String> components(Class<? extends Record> c) {
        return Arrays.stream(c.getRecordComponents()).map(RecordComponent::getName).collect(Collectors.toCollection(TreeSet::new));
    }
}
