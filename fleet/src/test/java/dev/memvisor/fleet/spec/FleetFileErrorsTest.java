package dev.memvisor.fleet.spec;

import dev.memvisor.fleet.TestFleets;
import dev.memvisor.fleet.model.Fleet;
import dev.memvisor.fleet.model.FleetResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every error in a FLEET.yaml names the file, the line and the key, including those the simulator's loader finds. */
class FleetFileErrorsTest {
    @TempDir Path dir;

    private Path write(String text) throws IOException {
        Path f = dir.resolve("f.yaml");
        Files.writeString(f, text);
        return f;
    }

    private static final String GOOD = """
            host: {memory: 16G, cores: 8}
            policies: [esx]
            vms:
              - name: bb
                traces: %s
                count: 3
              - name: web
                count: 2
                memory: 2G
                reservation: 25%%
                workload: {workingSet: 1G}
            """.formatted(TestFleets.root().resolve("data/traces/bitbrains-rnd-2013-7"));

    @Test
    void aGoodFileResolves() throws IOException {
        Fleet f = FleetResolver.load(write(GOOD));
        assertThat(f.vms()).extracting(v -> v.name()).containsExactly("bb-1", "bb-2", "bb-3", "web-1", "web-2");
        // bb-1: 8218624 KB provisioned in its first rows (8388608 KB later in the month), 2 cores
        assertThat(f.vms().get(0).configuredBytes()).isEqualTo(8218624L * 1024 / (1 << 20) * (1 << 20) + (8218624L * 1024 % (1 << 20) == 0 ? 0 : 1 << 20));
        assertThat(f.vms().get(0).vcpus()).isEqualTo(2);
        assertThat(f.vms().get(3).reservationBytes()).isEqualTo(512L << 20);
        assertThat(f.machineBytes()).isEqualTo(16L << 30);
    }

    @Test
    void unknownTopLevelKey() throws IOException {
        assertThatThrownBy(() -> FleetResolver.load(write("seed: 1\nhostz: {}\n")))
                .hasMessageContaining("f.yaml:2: key hostz: unknown key 'hostz'");
    }

    @Test
    void aScenarioFieldTheSimulatorRejectsIsReportedAtItsFleetLine() throws IOException {
        String bad = GOOD.replace("workload: {workingSet: 1G}", "workload:\n      workingSet: 1G\n      skew: -3");
        assertThatThrownBy(() -> FleetResolver.load(write(bad)))
                .hasMessageContaining("f.yaml:13: key vms[1].workload.skew:");
    }

    @Test
    void aBadHostFieldAndABadPolicy() throws IOException {
        assertThatThrownBy(() -> FleetResolver.load(write(GOOD.replace("cores: 8", "cores: 8, swapLatncy: 5ms"))))
                .hasMessageContaining("f.yaml:1: key host.swapLatncy");
        assertThatThrownBy(() -> FleetResolver.load(write(GOOD.replace("policies: [esx]", "policies: [esx, vmware]"))))
                .hasMessageContaining("f.yaml:2: key policies:").hasMessageContaining("vmware");
    }

    @Test
    void aMissingTraceFolderAndTraceOnlyKeys() throws IOException {
        assertThatThrownBy(() -> FleetResolver.load(write(GOOD.replace("bitbrains-rnd-2013-7", "nowhere"))))
                .hasMessageContaining("f.yaml:5: key vms[0].traces:").hasMessageContaining("is not a folder");
        assertThatThrownBy(() -> FleetResolver.load(write(GOOD.replace("count: 3", "count: 3\n    memory: 4G"))))
                .hasMessageContaining("f.yaml:7: key vms[0].memory: not allowed with traces");
    }

    @Test
    void badPlacementAndWindow() throws IOException {
        assertThatThrownBy(() -> FleetResolver.load(write("placement: {rule: biggest}\n" + GOOD)))
                .hasMessageContaining("f.yaml:1: key placement.rule: got biggest, expected configured, reservation or demand");
        assertThatThrownBy(() -> FleetResolver.load(write("window: {duration: 0s}\n" + GOOD)))
                .hasMessageContaining("f.yaml:1: key window.duration:");
    }
}
