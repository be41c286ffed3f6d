package dev.memvisor.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.memvisor.core.model.MemoryThresholds;
import dev.memvisor.core.policy.PolicyConfig;
import dev.memvisor.core.unit.Size;
import dev.memvisor.qemu.launch.RunDirectory;
import dev.memvisor.qemu.manager.DomainConfig;
import dev.memvisor.qemu.manager.HostConfig;
import dev.memvisor.qemu.manager.LibvirtConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
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
 * line) must give a file HostConfig accepts with every default, and a policy block with every key of PolicyConfig.
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
    void theUncommentedKeysAreWhatHostConfigReadsWithItsDefaults(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("host.yaml");
        YAML.writeValue(f.toFile(), uncommented());
        HostConfig c = HostConfig.load(f); // rejects unknown keys, naming them
        assertThat(c.policy()).isEqualTo("esx");
        assertThat(c.policyConfig()).isEqualTo(PolicyConfig.defaults());
        assertThat(c.interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.stateCheckInterval()).isEqualTo(HostConfig.DEFAULT_STATE_CHECK);
        assertThat(c.budgetBytes()).isZero();
        assertThat(c.overheadPerVmBytes()).isEqualTo(32 * Size.MIB);
        assertThat(c.metricsPort()).isZero();
        assertThat(c.metricsAddress()).isEqualTo(HostConfig.DEFAULT_METRICS_ADDRESS);
        assertThat(c.qmpTimeout()).isEqualTo(HostConfig.DEFAULT_QMP_TIMEOUT);
        assertThat(c.log()).isNull();
        assertThat(c.manageKsm()).isTrue();
        assertThat(c.ksmSleepMillis()).isEqualTo(20);
        assertThat(c.cgroups()).isFalse();
        assertThat(c.cgroupHeadroomBytes()).isEqualTo(256 * Size.MIB);
        assertThat(c.vms()).hasSize(1);
        assertThat(c.libvirt().mode()).isEqualTo(LibvirtConfig.DEFAULT.mode());
        assertThat(c.libvirt().uri()).isEqualTo(LibvirtConfig.SYSTEM_URI);
        assertThat(c.libvirt().domains()).extracting(DomainConfig::name).containsExactly("web");
        assertThat(c.runDir()).isEqualTo(Path.of(RunDirectory.FALLBACK));
        assertThat(c.stateFile()).isEqualTo(HostConfig.DEFAULT_STATE_FILE);
    }

    @Test
    void thePolicyBlockShowsEveryParameterOfPolicyConfig() throws Exception {
        // the defaults are checked above, by binding the block as the manager does
        JsonNode policy = uncommented().path("policy");
        Set<String> keys = names(policy);
        keys.remove("name");
        assertThat(keys).isEqualTo(components(PolicyConfig.class));
        assertThat(names(policy.path("thresholds"))).isEqualTo(components(MemoryThresholds.class));
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
        // the keys a file uses: sizes without the Bytes suffix
        return Arrays.stream(c.getRecordComponents()).map(dev.memvisor.core.settings.Settings::key).collect(Collectors.toCollection(TreeSet::new));
    }
}
