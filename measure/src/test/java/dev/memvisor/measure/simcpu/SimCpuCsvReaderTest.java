package dev.memvisor.measure.simcpu;

import dev.memvisor.measure.FileFormatException;
import dev.memvisor.measure.cpu.CorrectionResult;
import dev.memvisor.measure.cpu.CpuCorrector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The simulator's cpu.csv, read from constructed files and fed into the correction. */
class SimCpuCsvReaderTest {
    @TempDir
    Path tmp;

    @Test
    void readsVmsProcessesAndTotalsInOrder() throws IOException {
        Path p = write(SimCpuCsvReader.HEADER + "\n"
                + "0,web,2,nginx,50,40,110\n0,web,2,_Total,100,80,110\n0,db,1,pg,20,20,21\n0,db,1,_Total,20,20,21\n"
                + "20,web,2,nginx,60,30,120\n20,web,2,java,10,5,120\n20,web,2,_Total,70,35,120\n20,db,1,_Total,0,0,1\n");
        Map<String, SimVmCpu> vms = SimCpuCsvReader.read(p);
        assertThat(vms).containsOnlyKeys("web", "db");
        SimVmCpu web = vms.get("web");
        assertThat(web.vcpus()).isEqualTo(2);
        assertThat(web.times()).containsExactly(0, 20_000);
        assertThat(web.hostPct()).containsExactly(110, 120);
        assertThat(web.reportedTotal()).containsExactly(80, 35);
        assertThat(web.reportedByProcess().get("nginx")).containsExactly(40, 30);
        assertThat(web.reportedByProcess().get("java")[0]).isNaN(); // java started after the first sample
        assertThat(vms.get("db").trueByProcess().get("pg")[1]).isNaN();
        assertThat(SimCpuAdapter.guest(web).totalPct().values()).containsExactly(40, 17.5); // per-processor average
        assertThat(SimCpuCsvReader.looksLikeSimCpuCsv(p)).isTrue();
    }

    @Test
    void theCorrectionCutsTheErrorOfADistortedRecording() throws IOException {
        // 30 minutes, 20 s samples: the guest loses ~40 % of its ticks, with sampling noise; the host sees the truth.
        Random rnd = new Random(42);
        StringBuilder csv = new StringBuilder(SimCpuCsvReader.HEADER).append('\n');
        for (int s = 0; s <= 90; s++) {
            double a = 60 + rnd.nextGaussian() * 5, b = 30 + rnd.nextGaussian() * 5;
            double lost = 0.6 + rnd.nextGaussian() * 0.03;
            double ra = a * lost + rnd.nextGaussian(), rb = b * lost + rnd.nextGaussian();
            csv.append(String.format(Locale.ROOT, "%d,vm1,2,a,%.4f,%.4f,%.4f%n", s * 20, a, ra, a + b));
            csv.append(String.format(Locale.ROOT, "%d,vm1,2,b,%.4f,%.4f,%.4f%n", s * 20, b, rb, a + b));
            csv.append(String.format(Locale.ROOT, "%d,vm1,2,_Total,%.4f,%.4f,%.4f%n", s * 20, a + b, ra + rb, a + b));
        }
        SimVmCpu vm = SimCpuCsvReader.read(write(csv.toString())).get("vm1");
        CorrectionResult r = CpuCorrector.correct("vm1", SimCpuAdapter.host(vm), SimCpuAdapter.guest(vm), vm.vcpus(), 0, false, 300_000);
        assertThat(r.windows()).hasSize(6);
        SimCpuAdapter.Errors e = SimCpuAdapter.score(vm, r);
        assertThat(e.samples()).isEqualTo(12);
        assertThat(e.reportedMae()).isCloseTo(18, within(2.0)); // 40 % of 45 % average
        assertThat(e.improvement()).isGreaterThan(5);
    }

    @Test
    void malformedFilesNameLineAndExpectation() throws IOException {
        assertThatThrownBy(() -> SimCpuCsvReader.read(write("time,vm\n"))).isInstanceOf(FileFormatException.class)
                .hasMessageContaining(":1: the header 'timeSeconds,vm,vcpus,process,trueCpuPct,reportedCpuPct,hostCpuPct'");
        assertThatThrownBy(() -> SimCpuCsvReader.read(write(SimCpuCsvReader.HEADER + "\n0,web,2,_Total,1,1,1\n0,web,3,a,1,1,1\n")))
                .hasMessageContaining(":3: VM web with 2 vCPUs");
        assertThatThrownBy(() -> SimCpuCsvReader.read(write(SimCpuCsvReader.HEADER + "\n0,web,2,a,1,1,1\n")))
                .hasMessageContaining("a _Total row for VM web");
        assertThatThrownBy(() -> SimCpuCsvReader.read(write(SimCpuCsvReader.HEADER + "\n0,web,2,a,x,1,1\n")))
                .hasMessageContaining(":2: a number in column 5 (trueCpuPct), got 'x'");
        assertThatThrownBy(() -> SimCpuCsvReader.read(write(SimCpuCsvReader.HEADER + "\n20,web,2,_Total,1,1,1\n0,web,2,_Total,1,1,1\n")))
                .hasMessageContaining(":3: rows in time order");
    }

    private Path write(String text) throws IOException {
        Path p = Files.createTempFile(tmp, "cpu", ".csv");
        Files.writeString(p, text);
        return p;
    }
}
