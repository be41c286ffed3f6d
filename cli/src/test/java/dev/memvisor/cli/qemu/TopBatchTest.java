package dev.memvisor.cli.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memvisor.measure.esxtop.EntityReport;
import dev.memvisor.measure.esxtop.EsxtopAnalysis;
import dev.memvisor.measure.esxtop.EsxtopAnalyzer;
import dev.memvisor.measure.esxtop.EsxtopMetric;
import dev.memvisor.qemu.collect.HostCpuTimes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code top -b}'s esxtop batch file read back by the esxtop analysis: every figure the manager's
 * state and /proc gave comes back under esxtop's object and counter, worked out by hand: two VMs (one
 * with two vCPUs, one gone by the second row), the host's state in esxtop's numbering, CPU over top's
 * delay.
 */
class TopBatchTest {
    private static final long MIB = 1L << 20;
    @TempDir Path dir;

    private static JsonNode state(boolean withB) throws Exception {
        String a = vm("a", 1001, 512, 128, 160, 100);
        String b = vm("b", 1002, 1024, 0, 0, 300);
        return new ObjectMapper().readTree("{\"time\":\"2026-01-01T00:00:00Z\",\"policy\":\"esx\",\"trigger\":\"interval\",\"state\":\"SOFT\","
                + "\"host\":{\"machine\":" + 2048 * MIB + ",\"free\":" + 60 * MIB + ",\"ksmPagesShared\":256,\"ksmPagesSharing\":1024},"
                + "\"vms\":[" + a + (withB ? "," + b : "") + ",{\"name\":\"nob\",\"up\":false,\"managed\":false,\"reason\":\"no balloon device\",\"held\":0}],"
                + "\"actions\":[]}");
    }

    private static String vm(String name, long pid, long mem, long balloon, long target, long shared) {
        return "{\"name\":\"" + name + "\",\"up\":true,\"pid\":" + pid + ",\"MEMSZ\":" + mem * MIB + ",\"AMIN\":" + 64 * MIB + ",\"AMAX\":" + mem * MIB
                + ",\"ASHRS\":" + mem * 10 + ",\"MCTL?\":1,\"GRANT\":" + (mem - balloon) * MIB + ",\"CNSM\":" + (mem - balloon - shared / 2) * MIB
                + ",\"OVHD\":" + 32 * MIB + ",\"MCTLSZ\":" + balloon * MIB + ",\"MCTLTGT\":" + target * MIB + ",\"SZTGT\":" + (mem - target) * MIB
                + ",\"SWCUR\":0,\"SWTGT\":0,\"SHRD\":" + shared * MIB + ",\"SHRDSVD\":" + shared / 2 * MIB + ",\"TCHD\":" + 50 * MIB + "}";
    }

    private static TopSample sample(long seconds, JsonNode state, long hostTotal, long hostIdle, long aTicks, long aVcpuTicks, long aRunMs,
                                    long aWaitMs, boolean withB) {
        Map<String, TopSample.VmCpu> cpu = new java.util.LinkedHashMap<>();
        cpu.put("a", new TopSample.VmCpu(1001, aTicks, List.of(new TopSample.Vcpu(0, 2001, aVcpuTicks, aRunMs * 1_000_000, aWaitMs * 1_000_000))));
        if (withB) {
            cpu.put("b", new TopSample.VmCpu(1002, 10 * seconds, List.of(new TopSample.Vcpu(0, 3001, 5 * seconds, 0, 0),
                    new TopSample.Vcpu(1, 3002, 5 * seconds, 0, 0))));
        }
        return new TopSample(seconds * 1_000_000_000L, state, new HostCpuTimes(hostTotal, hostIdle), new long[] {0, 256 * seconds}, cpu);
    }

    @Test
    void theBatchFileReadsBackAsTheStateAndProcSaid() throws Exception {
        JsonNode both = state(true), onlyA = state(false);
        // 2 s apart: host 400 ticks, 100 idle (75 % util); a's QEMU 50 ticks (25 %), its vCPU 40 ticks, 400 ms run, 100 ms waiting
        TopSample s0 = sample(0, both, 1000, 500, 100, 80, 1000, 200, true);
        TopSample s1 = sample(2, both, 1400, 600, 150, 120, 1400, 300, true);
        TopSample s2 = sample(4, onlyA, 1800, 700, 200, 160, 1800, 400, false);
        StringWriter out = new StringWriter();
        TopBatch batch = new TopBatch(out, "kvm1", s0);
        batch.row(Instant.parse("2026-01-01T00:00:02Z"), s1, new TopRates(s0, s1));
        batch.row(Instant.parse("2026-01-01T00:00:04Z"), s2, new TopRates(s1, s2));
        assertThat(out.toString()).startsWith("\"(PDH-CSV 4.0) (UTC)(0)\",\"\\\\kvm1\\Memory\\Machine MBytes\"")
                .contains("\"\\\\kvm1\\Group Memory(1001:a)\\Memctl MBytes\"").contains("\"\\\\kvm1\\Vcpu(1002:b:3002:vmx-vcpu-1:b)\\% Ready\"")
                .contains("\"01/01/2026 00:00:02\"").doesNotContain("nob");
        Path file = Files.writeString(dir.resolve("batch.csv"), out.toString());

        EsxtopAnalysis an = EsxtopAnalyzer.analyze(file);
        assertThat(an.host().name()).isEqualTo("kvm1");
        assertThat(an.host().last(EsxtopMetric.HOST_MACHINE)).isEqualTo(2048.0);
        assertThat(an.host().last(EsxtopMetric.HOST_FREE)).isEqualTo(60.0);
        assertThat(an.host().last(EsxtopMetric.HOST_STATE)).as("soft is 2 in esxtop's numbering").isEqualTo(2.0);
        assertThat(an.host().last(EsxtopMetric.HOST_CPU_UTIL)).isEqualTo(75.0);
        assertThat(an.host().last(EsxtopMetric.HOST_SHARED_SAVED)).as("1024 pages sharing").isEqualTo(4.0);
        assertThat(an.host().last(EsxtopMetric.HOST_SWAP_WRITE)).as("512 pages in 2 s").isEqualTo(1.0);
        assertThat(an.host().last(EsxtopMetric.HOST_MEMCTL)).as("the balloons of the VMs up").isEqualTo(128.0);
        assertThat(an.vms()).extracting(EntityReport::name).containsExactly("a", "b");
        EntityReport a = an.vms().get(0), b = an.vms().get(1);
        assertThat(a.groupId()).isEqualTo("1001");
        assertThat(a.vcpus()).isEqualTo(1);
        assertThat(b.vcpus()).isEqualTo(2);
        assertThat(a.last(EsxtopMetric.MEMCTL)).isEqualTo(128.0);
        assertThat(a.last(EsxtopMetric.MEMCTL_TARGET)).isEqualTo(160.0);
        assertThat(a.last(EsxtopMetric.SIZE)).isEqualTo(512.0);
        assertThat(a.last(EsxtopMetric.GRANTED)).isEqualTo(384.0);
        assertThat(a.last(EsxtopMetric.SHARED_SAVED)).isEqualTo(50.0);
        assertThat(a.last(EsxtopMetric.TOUCHED)).isEqualTo(50.0);
        assertThat(a.last(EsxtopMetric.USED)).isEqualTo(25.0);
        assertThat(a.last(EsxtopMetric.READY)).as("100 ms of 2 s, one vCPU").isCloseTo(5.0, within(1e-9));
        assertThat(a.last(EsxtopMetric.COSTOP)).isZero();
        assertThat(b.series().get(EsxtopMetric.USED)[0]).as("b's QEMU: 20 ticks in 2 s").isEqualTo(10.0);
        assertThat(b.series().get(EsxtopMetric.MEMCTL)[1]).as("b gone in the second row: empty").isNaN();
    }

    @Test
    void esxtopsNumberingOfTheStates() {
        assertThat(TopBatch.stateNumber("HIGH")).isZero();
        assertThat(TopBatch.stateNumber("SOFT")).isEqualTo(2);
        assertThat(TopBatch.stateNumber("HARD")).isEqualTo(3);
        assertThat(TopBatch.stateNumber("LOW")).isEqualTo(4);
    }

    @Test
    void theScreenSortsByEsxtopsKeysAndShowsWhatIsNotManaged() throws Exception {
        JsonNode both = state(true);
        TopSample s0 = sample(0, both, 1000, 500, 100, 80, 1000, 200, true);
        TopSample s1 = sample(2, both, 1400, 600, 150, 120, 1400, 300, true);
        String byMemsz = TopScreen.render(s1, new TopRates(s0, s1), TopScreen.sortKey("M"), Instant.parse("2026-01-01T00:00:03Z"));
        assertThat(byMemsz.indexOf("\n    1002 b")).as("b (1G) before a (512M)").isLessThan(byMemsz.indexOf("\n    1001 a"));
        String byBalloon = TopScreen.render(s1, new TopRates(s0, s1), TopScreen.sortKey("B"), Instant.parse("2026-01-01T00:00:03Z"));
        assertThat(byBalloon.indexOf("\n    1001 a")).isLessThan(byBalloon.indexOf("\n    1002 b"));
        assertThat(byMemsz).contains("state SOFT").contains("decision 3.0 s ago").contains("2 VMs managed, 1 not managed")
                .contains("MEMSZ").contains("MCTLSZ").contains("%RDY").contains("NOT MANAGED: no balloon device")
                .contains("PCPU UTIL(%):   75.0").contains("  512.00 ").contains("    25.0 ");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TopScreen.sortKey("Q")).hasMessageContaining("expected M (MEMSZ), B (MCTLSZ), N (GID)");
        assertThat(TopScreen.sortKey("%rdy")).isEqualTo("%RDY");
    }

    /** The demo's tables: a decision alone, sorted by MEMSZ (the screen took the key letter for a column and threw). */
    @Test
    void aDecisionAloneRendersSortedByMemsz() throws Exception {
        String screen = TopScreen.render(state(true));
        assertThat(screen).contains("MEMSZ").contains("state SOFT");
        assertThat(screen.indexOf("\n    1002 b")).as("b (1G) before a (512M)").isLessThan(screen.indexOf("\n    1001 a"));
    }
}
