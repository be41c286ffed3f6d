package dev.memvisor.sim.report;

import dev.memvisor.core.counter.Counter;
import dev.memvisor.sim.scenario.Scenario;
import dev.memvisor.sim.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The writers on a hand-made result: exact lines. */
class WritersTest {
    private static SimResult tiny() {
        Scenario sc = ScenarioLoader.parse("vms: [{name: a}]", "t.yaml", null, List.of());
        SimResult r = new SimResult(sc, "esx");
        r.machineBytes = 1L << 30;
        r.times.add(20.0);
        SimResult.VmRecord v = new SimResult.VmRecord("a", 1L << 30, 2, List.of("app", "_Total"));
        for (Counter c : SimCounters.VM) v.series(c).add((double) SimCounters.VM.indexOf(c));
        v.trueCpu.get(0).add(50.0);
        v.trueCpu.get(1).add(50.0);
        v.reportedCpu.get(0).add(62.5);
        v.reportedCpu.get(1).add(62.5);
        v.hostCpu.add(51.25);
        v.slowdown = 1.5;
        r.vms.add(v);
        for (Counter c : SimCounters.HOST) r.series(c).add(100.0 + SimCounters.HOST.indexOf(c));
        r.secondsInState[0] = 20;
        return r;
    }

    @Test
    void timeseriesHasARowPerVmAndAHostRow(@TempDir Path dir) throws Exception {
        TimeseriesCsvWriter.write(tiny(), dir);
        assertThat(Files.readAllLines(dir.resolve("timeseries.csv"))).containsExactly(
                "timeSeconds,name,GRANT,CNSM,TCHD,SZTGT,MCTLSZ,MCTLTGT,SWCUR,SWTGT,SWR/s,SWW/s,SHRD,SHRDSVD,ZERO,ZIP,"
                        + "%USED,%RDY,%SYS,%SWPWT,%GUEST,FREE,MINFREE,STATE,PSHARE.common,PSHARE.saving,SWAP.curr",
                "20,a,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,,,,,,",
                "20,_host,,,,,,,,,,,,,,,,,,,,100,101,102,103,104,105");
    }

    @Test
    void cpuCsvHasTheExactHeaderAndARowPerProcess(@TempDir Path dir) throws Exception {
        CpuCsvWriter.write(tiny(), dir);
        assertThat(Files.readAllLines(dir.resolve("cpu.csv"))).containsExactly(
                "timeSeconds,vm,vcpus,process,trueCpuPct,reportedCpuPct,hostCpuPct",
                "20,a,2,app,50,62.5,51.25",
                "20,a,2,_Total,50,62.5,51.25");
    }

    @Test
    void esxtopIsPdhCsvWithEsxtopCounterNames(@TempDir Path dir) throws Exception {
        EsxtopCsvWriter.write(tiny(), dir);
        List<String> lines = Files.readAllLines(dir.resolve("esxtop.csv"));
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("\"(PDH-CSV 4.0) (UTC)(0)\",\"\\\\memvisor-sim\\Memory\\Free MBytes\","
                        + "\"\\\\memvisor-sim\\Memory\\Kernel MinFree MBytes\",\"\\\\memvisor-sim\\Memory\\Kernel State\"")
                .contains("\"\\\\memvisor-sim\\Group Memory(1000:a)\\Memory Granted Size MBytes\"")
                .contains("\"\\\\memvisor-sim\\Group Cpu(1000:a)\\% Ready\"");
        assertThat(lines.get(1)).startsWith("\"01/01/2026 00:00:20\",\"100\",\"101\"");
    }

    @Test
    void summaryHasTheIssuesShape() {
        var s = SummaryWriter.summary(tiny());
        assertThat(s.get("policy").asText()).isEqualTo("esx");
        assertThat(s.get("scenario").get("vms").get(0).get("name").asText()).isEqualTo("a");
        assertThat(s.get("host").get("machineBytes").asLong()).isEqualTo(1L << 30);
        assertThat(s.get("host").get("secondsInState").get("high").asDouble()).isEqualTo(20);
        var vm = s.get("vms").get(0);
        assertThat(vm.get("meanGrantedBytes").asLong()).isZero();
        assertThat(vm.get("peakBalloonBytes").asLong()).isEqualTo(4L << 20);
        assertThat(vm.get("peakSwappedBytes").asLong()).isEqualTo(6L << 20);
        assertThat(vm.get("meanSharedSavedBytes").asLong()).isEqualTo(11L << 20);
        assertThat(s.get("host").get("secondsInState").fieldNames()).toIterable().containsExactly("high", "clear", "soft", "hard", "low");
        assertThat(vm.get("slowdown").asDouble()).isEqualTo(1.5);
        assertThat(vm.has("doublePagedPages")).isTrue();
    }
}
