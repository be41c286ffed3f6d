package dev.memvisor.qemu.cpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The recorder and the vCPU sampler against a constructed serial log and a fake /proc. */
class CpuRecorderTest {
    /** A fake /proc with QEMU pid 77: a main thread (78 ticks) and vCPU threads 80 and 81 with these ticks. */
    private static Path proc(Path dir, long vcpu80, long vcpu81) throws Exception {
        Path p = dir.resolve("proc/77");
        for (long[] t : new long[][] {{77, 50, 28}, {80, vcpu80, 0}, {81, vcpu81 - 1, 1}}) {
            Path task = p.resolve("task/" + t[0]);
            Files.createDirectories(task);
            // comm with a space and a parenthesis, as a thread name may have
            Files.writeString(task.resolve("stat"), t[0] + " (CPU 0) x) S 1 1 1 0 -1 0 0 0 0 0 " + t[1] + " " + t[2] + " 0 0 20 0 3 0\n");
            Files.writeString(task.resolve("comm"), "qemu-system-x86\n");
        }
        Files.writeString(p.resolve("status"), "Name:\tqemu\nVmRSS:\t1000 kB\n");
        Files.writeString(p.resolve("stat"), "77 (qemu-system-x86) S 1 1 1 0 -1 0 0 0 0 0 10 5 0 0 20 0 3 0\n");
        return dir.resolve("proc");
    }

    @Test
    void samplerSumsTheVcpuThreadsQmpNamed(@TempDir Path dir) throws Exception {
        Path proc = proc(dir, 300, 45);
        HostCpuSample s = new VcpuSampler(proc, 77, new long[] {80, 81}).sample(1000, 5);
        assertThat(s.vcpuTicks()).isEqualTo(345);
        assertThat(s.vcpuThreads()).isEqualTo(2);
        // Without thread ids, threads are found by their "CPU n/..." names: none here.
        assertThat(new VcpuSampler(proc, 77, new long[0]).sample(1000, 5).vcpuThreads()).isZero();
        assertThatThrownBy(() -> new VcpuSampler(proc, 99, new long[] {80}).sample(1000, 5)).isInstanceOf(QemuGoneException.class)
                .hasMessage("QEMU (pid 99) has exited");
    }

    @Test
    void recordsFromTheFirstWholeBlockAndSamplesTheHostPerBlock(@TempDir Path dir) throws Exception {
        Path proc = proc(dir, 300, 45);
        StringBuilder log = new StringBuilder("MVPROC 4000 1 init 0 0\nMVEND 4000 100\n");
        for (int i = 0; i < 4; i++) {
            long ms = 5000 + 1000L * i;
            log.append("MVCPU ").append(ms).append(" cpu ").append(10 * i).append(" 0 0 ").append(90 * i).append("\nMVEND ").append(ms).append(" 100\n");
        }
        Path f = Files.writeString(dir.resolve("cpu.log"), log);
        AtomicLong clock = new AtomicLong(1_000_000);
        List<String> raw = new ArrayList<>();
        List<HostCpuSample> rows = new ArrayList<>();
        CpuRecorder r = new CpuRecorder("g", FileTail.fromStart(f), new VcpuSampler(proc, 77, new long[] {80, 81}),
                () -> clock.addAndGet(7), raw::add, rows::add);
        CpuRecording rec = r.record(2000, 10_000, l -> { });
        assertThat(rec.guest()).hasSize(4);
        assertThat(rec.host()).hasSize(4).isEqualTo(rows);
        assertThat(raw).hasSize(8).first().asString().startsWith("MVCPU 5000");
        assertThat(rec.guestIntervals()).hasSize(3).allSatisfy(i -> assertThat(i.busyPct()).isEqualTo(10.0));
        // All four blocks were read in one poll, so the last one arrived with the least delay and ties the clocks.
        assertThat(rec.host()).extracting(HostCpuSample::guestBootMillis).containsExactly(5000L, 6000L, 7000L, 8000L);
        assertThat(rec.bootOffsetMillis()).isEqualTo(rec.host().get(3).epochMillis() - 8000);
    }

    @Test
    void qemuGoneAndMissingReportsAreErrors(@TempDir Path dir) throws Exception {
        Path proc = proc(dir, 1, 1);
        Path f = Files.writeString(dir.resolve("cpu.log"), "");
        AtomicLong clock = new AtomicLong();
        CpuRecorder missing = new CpuRecorder("g", FileTail.fromStart(f), new VcpuSampler(proc, 77, new long[] {80}),
                () -> clock.addAndGet(400), l -> { }, s -> { });
        assertThatThrownBy(() -> missing.record(60_000, 1000, l -> { })).isInstanceOf(CpuReporterMissingException.class)
                .hasMessageContaining("guest g: no CPU report (MVCPU line) in " + f + " within 1 s");
        CpuRecorder gone = new CpuRecorder("g", FileTail.fromStart(f), new VcpuSampler(proc, 12345, new long[] {80}),
                () -> clock.addAndGet(400), l -> { }, s -> { });
        assertThatThrownBy(() -> gone.record(60_000, 1000, l -> { })).isInstanceOf(QemuGoneException.class);
    }
}
