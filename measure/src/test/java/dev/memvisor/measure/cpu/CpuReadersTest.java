package dev.memvisor.measure.cpu;

import dev.memvisor.measure.FileFormatException;
import dev.memvisor.measure.series.IntervalSeries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CpuReadersTest {
    static final Path ESXTOP = Path.of("../data/esxtop/esxtop-data.csv");
    static final Path PERFMON = Path.of("../data/perfmon/perfmon.csv");

    @TempDir
    Path tmp;

    @Test
    void hostCpuOfAVmComesFromItsGroupCpuUsed() {
        IntervalSeries s = HostCpuReader.read(ESXTOP, "portunus", "% Used");
        assertThat(s.values()).containsExactly(0.24, 0.20, 0.36);
        assertThat(s.medianIntervalMillis()).isEqualTo(5000);
    }

    @Test
    void anUnknownVmListsTheVmsOfTheFile() {
        assertThatThrownBy(() -> HostCpuReader.read(ESXTOP, "zeus", "% Used"))
                .isInstanceOf(FileFormatException.class)
                .hasMessageContaining("Group Cpu(id:zeus)")
                .hasMessageContaining("ananke, hermes, ouranos, portunus, poseidon, styx");
    }

    @Test
    void plainCsvWithIsoTimesAndOneColumnPerVm() throws IOException {
        Path p = tmp.resolve("host.csv");
        Files.writeString(p, "time,web,db\n2024-01-01T00:00:00Z,10,20\n2024-01-01T00:00:20Z,11,21\n2024-01-01 00:00:40,12,22\n");
        IntervalSeries s = HostCpuReader.read(p, "db", "% Used");
        assertThat(s.values()).containsExactly(20, 21, 22);
        assertThat(s.times()[2]).isEqualTo(Instant.parse("2024-01-01T00:00:40Z").toEpochMilli());
    }

    @Test
    void plainCsvWithEpochSecondsAndASingleColumn() throws IOException {
        Path p = tmp.resolve("one.csv");
        Files.writeString(p, "epoch,cpuPct\n1700000000,50\n1700000020.5,\n");
        IntervalSeries s = HostCpuReader.read(p, "anything", "% Used");
        assertThat(s.times()).containsExactly(1_700_000_000_000L, 1_700_000_020_500L);
        assertThat(s.values()[1]).isNaN();
    }

    @Test
    void plainCsvErrorsNameLineAndExpectation() throws IOException {
        Path p = tmp.resolve("bad.csv");
        Files.writeString(p, "time,web\n2024-01-01T00:00:00Z,10\nyesterday,11\n");
        assertThatThrownBy(() -> HostCpuReader.read(p, "web", "% Used")).hasMessageContaining("bad.csv:3: a time in column 1");
        Path q = tmp.resolve("cols.csv");
        Files.writeString(q, "time,web,db\n");
        assertThatThrownBy(() -> HostCpuReader.read(q, "mail", "% Used")).hasMessageContaining("cols.csv:1: a column named 'mail'");
        Path r = tmp.resolve("order.csv");
        Files.writeString(r, "time,web\n100,1\n90,2\n");
        assertThatThrownBy(() -> HostCpuReader.read(r, "web", "% Used")).hasMessageContaining("times that increase");
    }

    @Test
    void realPerfmonGuestHasATotalButNoProcesses() {
        GuestCpu g = PerfmonGuestReader.read(PERFMON);
        assertThat(g.totalPct().size()).isEqualTo(11520);
        assertThat(g.vcpus()).isZero();
        assertThat(g.processes()).isEmpty();
    }

    @Test
    void perfmonProcessesKeepDuplicateInstancesApartAndSkipIdle() throws IOException {
        Path p = tmp.resolve("guest.csv");
        Files.writeString(p, "\"(PDH-CSV 4.0) (UTC)(0)\",\"\\\\G\\Processor(0)\\% Processor Time\",\"\\\\G\\Processor(1)\\% Processor Time\","
                + "\"\\\\G\\Processor(_Total)\\% Processor Time\",\"\\\\G\\Process(chrome)\\% Processor Time\",\"\\\\G\\Process(chrome#1)\\% Processor Time\","
                + "\"\\\\G\\Process(Idle)\\% Processor Time\",\"\\\\G\\Process(_Total)\\% Processor Time\"\n"
                + "\"01/01/2024 00:00:00.000\",\" \",\" \",\" \",\" \",\" \",\" \",\" \"\n"
                + "\"01/01/2024 00:00:15.000\",\"50\",\"30\",\"40\",\"60\",\"20\",\"120\",\"200\"\n");
        GuestCpu g = PerfmonGuestReader.read(p);
        assertThat(g.vcpus()).isEqualTo(2);
        assertThat(g.processes()).containsOnlyKeys("chrome", "chrome#1");
        assertThat(g.processes().get("chrome#1").values()[1]).isEqualTo(20);
        assertThat(g.totalPct().values()[1]).isEqualTo(40);
    }

    @Test
    void aGuestFileWithoutTheTotalIsRejected() throws IOException {
        Path p = tmp.resolve("nototal.csv");
        Files.writeString(p, "\"(PDH-CSV 4.0) (UTC)(0)\",\"\\\\G\\Memory\\Available MBytes\"\n\"01/01/2024 00:00:00\",\"1\"\n");
        assertThatThrownBy(() -> PerfmonGuestReader.read(p)).hasMessageContaining("nototal.csv:1: a 'Processor(_Total)\\% Processor Time' column");
    }
}
