package dev.memvisor.measure.esxtop;

import dev.memvisor.measure.FileFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The analysis of the real home-lab export in data/, checked against values read off the file by hand. */
class EsxtopAnalyzerTest {
    static final Path ESXTOP = Path.of("../data/esxtop/esxtop-data.csv");

    @TempDir
    Path tmp;

    @Test
    void findsTheSixVmsByDisplayNameWithTheirVcpus() {
        EsxtopAnalysis a = EsxtopAnalyzer.analyze(ESXTOP);
        assertThat(a.vms()).extracting(EntityReport::name).containsExactly("styx", "portunus", "hermes", "ananke", "ouranos", "poseidon");
        assertThat(a.vms()).extracting(EntityReport::vcpus).containsExactly(1, 1, 1, 1, 1, 2);
        assertThat(a.vms().get(1).groupId()).isEqualTo("1303673");
        assertThat(a.times()).hasSize(3);
        assertThat(a.intervalSeconds()).isEqualTo(5.0);
        assertThat(a.host().name()).isEqualTo("localhost.home");
    }

    @Test
    void lastAndMeanComeFromTheRightColumns() {
        EsxtopAnalysis a = EsxtopAnalyzer.analyze(ESXTOP);
        EntityReport portunus = a.vms().get(1);
        assertThat(portunus.last(EsxtopMetric.MEMCTL)).isEqualTo(1302.00);
        assertThat(portunus.last(EsxtopMetric.SWAPPED)).isEqualTo(459.67);
        assertThat(portunus.last(EsxtopMetric.SHARED_SAVED)).isEqualTo(126.32);
        assertThat(portunus.mean(EsxtopMetric.GRANTED)).isCloseTo((199.04 + 199.08 + 199.08) / 3, within(1e-9));
        EntityReport poseidon = a.vms().get(5);
        // %RDY is summed over the VM's worlds; the report gives it per vCPU (2 here).
        assertThat(poseidon.mean(EsxtopMetric.READY)).isCloseTo((3.93 + 2.37 + 2.75) / 3 / 2, within(1e-9));
        assertThat(a.host().last(EsxtopMetric.HOST_FREE)).isEqualTo(589);
        assertThat(a.host().last(EsxtopMetric.HOST_SWAPPED)).isEqualTo(1150);
    }

    @Test
    void flagsWhatTheAnalystLooksFor() {
        EsxtopAnalysis a = EsxtopAnalyzer.analyze(ESXTOP);
        assertThat(a.vms().get(1).flags()).containsExactly(EsxtopFlag.BALLOONING_AND_SWAPPING, EsxtopFlag.SWAPPING_ACTIVE, EsxtopFlag.LARGE_SHARING_SAVINGS);
        // styx has swapped pages but no balloon: not "at once"; poseidon saves only 9 % by sharing.
        assertThat(a.vms().get(0).flags()).doesNotContain(EsxtopFlag.BALLOONING_AND_SWAPPING);
        assertThat(a.vms().get(5).flags()).containsExactly(EsxtopFlag.BALLOONING_AND_SWAPPING);
        assertThat(a.host().flags()).contains(EsxtopFlag.BALLOONING_AND_SWAPPING, EsxtopFlag.LARGE_SHARING_SAVINGS, EsxtopFlag.MEMORY_STATE_NOT_HIGH);
    }

    @Test
    void readyAboveTenPercentPerVcpuIsFlaggedOnAConstructedCapture() throws IOException {
        String h = "\"(PDH-CSV 4.0) (UTC)(0)\",\"\\\\e\\Vcpu(7:web:70:vmx-vcpu-0:web)\\% Used\",\"\\\\e\\Vcpu(7:web:71:vmx-vcpu-1:web)\\% Used\","
                + "\"\\\\e\\Group Cpu(7:web)\\% Ready\",\"\\\\e\\Group Cpu(8:sh.1)\\% Ready\"\n";
        Path p = tmp.resolve("e.csv");
        Files.writeString(p, h + "\"01/01/2024 00:00:00\",\"1\",\"1\",\"30\",\"90\"\n\"01/01/2024 00:00:05\",\"1\",\"1\",\"16\",\"90\"\n");
        EsxtopAnalysis a = EsxtopAnalyzer.analyze(p);
        assertThat(a.vms()).hasSize(1); // group 8 has no vmx-vcpu world: not a VM
        assertThat(a.vms().get(0).mean(EsxtopMetric.READY)).isEqualTo(11.5);
        assertThat(a.vms().get(0).flags()).containsExactly(EsxtopFlag.READY_ABOVE_10);
    }

    @Test
    void withoutTheVcpuObjectEveryMemoryGroupIsAVm() throws IOException {
        // The shape memvisor's simulator writes: Group Memory and Group Cpu, no Vcpu worlds.
        Path p = tmp.resolve("sim.csv");
        Files.writeString(p, "\"(PDH-CSV 4.0) (UTC)(0)\",\"\\\\sim\\Memory\\Free MBytes\",\"\\\\sim\\Group Memory(1000:web-1)\\Memctl MBytes\","
                + "\"\\\\sim\\Group Cpu(1000:web-1)\\% Ready\"\n\"01/01/2024 00:00:05\",\"10\",\"20\",\"30\"\n");
        EsxtopAnalysis a = EsxtopAnalyzer.analyze(p);
        assertThat(a.vms()).extracting(EntityReport::name).containsExactly("web-1");
        assertThat(a.vms().get(0).vcpus()).isZero();
        assertThat(a.vms().get(0).last(EsxtopMetric.READY)).isEqualTo(30); // not divided: the vCPU count is unknown
    }

    @Test
    void aPerfmonFileIsNotAnEsxtopExport() {
        assertThatThrownBy(() -> EsxtopAnalyzer.analyze(Path.of("../data/perfmon/perfmon.csv")))
                .isInstanceOf(FileFormatException.class).hasMessageContaining("an esxtop batch export");
    }

    @Test
    void everyMetricKeyIsUniqueWithinItsScope() {
        for (EsxtopMetric.Scope s : EsxtopMetric.Scope.values()) {
            List<String> keys = java.util.Arrays.stream(EsxtopMetric.values()).filter(m -> m.scope() == s).map(EsxtopMetric::key).toList();
            assertThat(keys).doesNotHaveDuplicates();
        }
    }
}
