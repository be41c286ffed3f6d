package dev.memvisor.qemu.manager;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** host.yaml: defaults, relative paths, and messages that name the file, the VM and the key. */
class HostConfigTest {
    @TempDir Path dir;

    private Path write(String yaml) throws Exception {
        return Files.writeString(dir.resolve("host.yaml"), yaml);
    }

    @Test
    void readsEveryKeyAndResolvesPathsAgainstTheFile() throws Exception {
        HostConfig c = HostConfig.load(write("policy: static\ninterval: 500ms\nbudget: 1G\nmetricsPort: 9464\nlog: out/d.jsonl\n"
                + "ksm: {manage: false, sleepMillis: 50}\ncgroups: true\n"
                + "vms:\n  - {name: a, qmp: a.qmp, memory: 256M, reservation: 64M, shares: high}\n  - {name: b, qmp: /run/b.qmp}\n"));
        assertThat(c.policy()).isEqualTo("static");
        assertThat(c.interval()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.budgetBytes()).isEqualTo(1L << 30);
        assertThat(c.log()).isEqualTo(dir.resolve("out/d.jsonl"));
        assertThat(c.manageKsm()).isFalse();
        assertThat(c.cgroups()).isTrue();
        VmConfig a = c.vms().get(0);
        assertThat(a.qmpSocket()).isEqualTo(dir.resolve("a.qmp"));
        assertThat(a.settings(a.memoryBytes()).shares()).isEqualTo(256 * 20);
        assertThat(a.settings(a.memoryBytes()).reservationBytes()).isEqualTo(64L << 20);
        VmConfig b = c.vms().get(1);
        assertThat(b.memoryBytes()).isEqualTo(-1);
        assertThat(b.settings(128L << 20).limitBytes()).isEqualTo(128L << 20);
    }

    @Test
    void defaultsAreFiveSecondsEsxAndNoBudget() throws Exception {
        HostConfig c = HostConfig.load(write("vms: [{name: a, qmp: a.qmp}]\n"));
        assertThat(c.interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.policy()).isEqualTo("esx");
        assertThat(c.budgetBytes()).isZero();
        assertThat(c.metricsPort()).isZero();
        assertThat(c.log()).isNull();
        assertThat(c.stateCheckInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.metricsAddress()).as("metrics on this host only unless asked").isEqualTo("127.0.0.1");
        assertThat(c.qmpTimeout()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void metricsAddressAndQmpTimeoutAreRead() throws Exception {
        HostConfig c = HostConfig.load(write("metricsPort: 9464\nmetricsAddress: 0.0.0.0\nqmpTimeout: 250ms\nvms: [{name: a, qmp: a.qmp}]\n"));
        assertThat(c.metricsAddress()).isEqualTo("0.0.0.0");
        assertThat(c.qmpTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(HostConfig.load(write("interval: 1s\nvms: [{name: a, qmp: a.qmp}]\n")).qmpTimeout())
                .as("at most half a short interval").isEqualTo(Duration.ofMillis(500));
        assertThatThrownBy(() -> HostConfig.load(write("interval: 2s\nqmpTimeout: 3s\nvms: [{name: a, qmp: a.qmp}]\n")))
                .hasMessageContaining("host.yaml").hasMessageContaining("qmpTimeout").hasMessageContaining("under the interval");
        assertThatThrownBy(() -> HostConfig.load(write("qmpTimeout: soon\nvms: [{name: a, qmp: a.qmp}]\n")))
                .hasMessageContaining("qmpTimeout").hasMessageContaining("soon");
    }

    @Test
    void stateCheckIntervalIsADurationOrZeroForOff() throws Exception {
        assertThat(HostConfig.load(write("stateCheckInterval: 100ms\nvms: [{name: a, qmp: a.qmp}]\n")).stateCheckInterval())
                .isEqualTo(Duration.ofMillis(100));
        assertThat(HostConfig.load(write("stateCheckInterval: 0\nvms: [{name: a, qmp: a.qmp}]\n")).stateCheckInterval()).isZero();
        assertThatThrownBy(() -> HostConfig.load(write("stateCheckInterval: 2ms\nvms: [{name: a, qmp: a.qmp}]\n")))
                .hasMessageContaining("stateCheckInterval").hasMessageContaining("'2ms'").hasMessageContaining("0 for off");
        assertThatThrownBy(() -> HostConfig.load(write("stateCheckInterval: soon\nvms: [{name: a, qmp: a.qmp}]\n")))
                .hasMessageContaining("host.yaml").hasMessageContaining("stateCheckInterval").hasMessageContaining("soon");
    }

    @Test
    void badInputNamesTheVmAndTheKey() throws Exception {
        assertThatThrownBy(() -> HostConfig.load(write("vms: [{name: web, qmp: w.qmp, memroy: 1G}]")))
                .hasMessageContaining("vms[0] (web)").hasMessageContaining("unknown key 'memroy'");
        assertThatThrownBy(() -> HostConfig.load(write("vms: [{name: web, qmp: w.qmp, reservation: lots}]")))
                .hasMessageContaining("(web)").hasMessageContaining("reservation").hasMessageContaining("lots");
        assertThatThrownBy(() -> HostConfig.load(write("vms: [{name: web}]")))
                .hasMessageContaining("(web)").hasMessageContaining("qmp is missing");
        assertThatThrownBy(() -> HostConfig.load(write("vms: [{name: web, qmp: a}, {name: web, qmp: b}]")))
                .hasMessageContaining("vms[1] (web)").hasMessageContaining("second VM");
        assertThatThrownBy(() -> HostConfig.load(write("vms: [{name: db, qmp: a, memory: 1G, reservation: 2G}]")))
                .hasMessageContaining("(db)").hasMessageContaining("exceeds memory");
        assertThatThrownBy(() -> HostConfig.load(write("interval: soon\nvms: [{name: a, qmp: a}]")))
                .hasMessageContaining("interval").hasMessageContaining("soon");
        assertThatThrownBy(() -> HostConfig.load(write("polcy: esx\nvms: [{name: a, qmp: a}]")))
                .hasMessageContaining("unknown key 'polcy'");
        assertThatThrownBy(() -> HostConfig.load(dir.resolve("missing.yaml"))).hasMessageContaining("missing.yaml")
                .hasMessageContaining("no such file");
        assertThatThrownBy(() -> HostConfig.load(write("policy: esx\nvms: [{name: a, qmp: x}\n")))
                .hasMessageContaining("host.yaml:").hasMessageContaining("not valid YAML");
    }
}
