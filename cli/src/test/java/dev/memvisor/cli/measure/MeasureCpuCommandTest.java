package dev.memvisor.cli.measure;

import dev.memvisor.cli.CliRun;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memvisor.qemu.cpu.HostCpuLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code memvisor measure cpu} without a guest: offline correction of a constructed recording, and the
 * errors for an unknown VM, a guest without the reporter and one whose reports never come (a fake /proc).
 */
class MeasureCpuCommandTest {
    private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

    /**
     * 21 reports 1 s apart; each second the guest counts 50 of 100 ticks busy, mvload 40 of them,
     * while the host sees its vCPU thread use 80 ticks: w = 80 / 50 = 1.6 and mvload is corrected to 64 %.
     */
    private static void recording(Path guest, Path host) throws Exception {
        StringBuilder g = new StringBuilder(), h = new StringBuilder(HostCpuLog.HEADER + "\n");
        for (int i = 0; i <= 20; i++) {
            long ms = 5000 + i * 1000L;
            g.append("MVCPU ").append(ms).append(" cpu ").append(50 * i).append(" 0 0 ").append(50 * i).append(" 0 0 0 0 0 0\r\n");
            g.append("MVPROC ").append(ms).append(" 1 init 0 0\r\n");
            g.append("MVPROC ").append(ms).append(" 60 mvload ").append(30 * i).append(' ').append(10 * i).append("\r\n");
            g.append("MVEND ").append(ms).append(" 100\r\n");
            // Arrivals lag 20-70 ms behind; the smallest lag ties the clocks.
            h.append(Instant.ofEpochMilli(T0 + ms + 20 + (i % 3) * 25L)).append(',').append(ms).append(',').append(1000 + 80L * i).append(",1\n");
        }
        Files.writeString(guest, g);
        Files.writeString(host, h);
    }

    @Test
    void offlineCorrectsARecording(@TempDir Path dir) throws Exception {
        Path guest = dir.resolve("guest-cpu.log"), host = dir.resolve("host-cpu.csv");
        recording(guest, host);
        CliRun r = CliRun.of("measure", "cpu", "--vm", "vm1", "--guest-log", guest.toString(), "--host-log", host.toString(), "--window", "10s", "--json");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.err()).contains("under 5 minutes").contains("1 guest processes used no CPU");
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.path("vm").asText()).isEqualTo("vm1");
        assertThat(j.path("windows")).hasSize(2);
        for (JsonNode w : j.path("windows")) {
            assertThat(w.path("guestCpuPct").asDouble()).isBetween(49.0, 51.0);
            assertThat(w.path("hostCpuPct").asDouble()).isBetween(78.0, 82.0);
            assertThat(w.path("w").asDouble()).isBetween(1.55, 1.65);
            assertThat(w.path("processes").path("mvload:60").path("reportedPct").asDouble()).isBetween(39.9, 40.1);
            assertThat(w.path("processes").path("mvload:60").path("correctedPct").asDouble()).isBetween(62.0, 66.0);
            assertThat(w.path("processes").has("init:1")).isFalse();
        }

        CliRun csv = CliRun.of("measure", "cpu", "--vm", "vm1", "--guest-log", guest.toString(), "--host-log", host.toString(), "--window", "10s", "--csv");
        assertThat(csv.status()).isZero();
        assertThat(csv.out().lines().findFirst()).hasValue(CorrectionOutput.CSV_HEADER);
        assertThat(csv.out().lines().filter(l -> l.contains(",mvload:60,"))).hasSize(2);
    }

    @Test
    void offlineErrorsNameTheFileAndLine(@TempDir Path dir) throws Exception {
        Path guest = dir.resolve("guest-cpu.log"), host = dir.resolve("host-cpu.csv");
        recording(guest, host);
        Files.writeString(guest, "MVCPU 99999 cpu 1 2 3 4\nMVPROC 99999 1 init 1\n", java.nio.file.StandardOpenOption.APPEND);
        CliRun r = CliRun.of("measure", "cpu", "--vm", "vm1", "--guest-log", guest.toString(), "--host-log", host.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains(guest + ":86: expected 'MVPROC MS PID COMM UTIME STIME' (6 fields)");

        CliRun alone = CliRun.of("measure", "cpu", "--vm", "vm1", "--guest-log", guest.toString());
        assertThat(alone.status()).isEqualTo(2);
        assertThat(alone.err()).contains("--guest-log and --host-log go together");
    }

    @Test
    void unknownVmListsTheGuestsThere(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("web"));
        Files.createFile(dir.resolve("web/qmp.sock"));
        CliRun r = CliRun.of("measure", "cpu", "--vm", "db", "--run-dir", dir.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("unknown VM 'db'").contains("guests in " + dir + ": web");

        CliRun shortRun = CliRun.of("measure", "cpu", "--vm", "web", "--run-dir", dir.toString(), "--duration", "1m");
        assertThat(shortRun.status()).isEqualTo(2);
        assertThat(shortRun.err()).contains("--duration 60 s is shorter than one --window of 300 s");
    }

    /** A run directory with guest {@code g} and a fake /proc whose QEMU (pid 4242) has this kernel command line. */
    private static Path[] fakeGuest(Path dir, String append) throws Exception {
        return fakeGuest(dir, append, "CPU 0/TCG");
    }

    /** The same with one thread (tid 4243) named {@code threadName}. */
    private static Path[] fakeGuest(Path dir, String append, String threadName) throws Exception {
        Path run = dir.resolve("run"), g = run.resolve("g"), proc = dir.resolve("proc"), pid = proc.resolve("4242");
        Files.createDirectories(g);
        Files.createDirectories(pid.resolve("task"));
        Files.createFile(g.resolve("qmp.sock"));
        Files.createFile(g.resolve("cpu.log"));
        String cmd = String.join("\0", "qemu-system-x86_64", "-append", append, "-serial", "file:" + g.resolve("console.log"),
                "-serial", "file:" + g.resolve("cpu.log"), "-qmp", "unix:" + g.resolve("qmp.sock") + ",server=on,wait=off") + "\0";
        Files.writeString(pid.resolve("cmdline"), cmd);
        Files.writeString(pid.resolve("status"), "Name:\tqemu\nVmRSS:\t1000 kB\n");
        Files.writeString(pid.resolve("stat"), "4242 (qemu-system-x86) S 1 1 1 0 -1 0 0 0 0 0 10 5 0 0 20 0 3 0 1 1 1\n");
        Path thread = Files.createDirectories(pid.resolve("task/4243"));
        Files.writeString(thread.resolve("comm"), threadName + "\n");
        Files.writeString(thread.resolve("stat"), "4243 (" + threadName + ") S 1 1 1 0 -1 0 0 0 0 0 7 3 0 0 20 0 3 0 1 1 1\n");
        return new Path[] {run, proc};
    }

    @Test
    void aGuestWithoutTheReporterIsNamedAtOnce(@TempDir Path dir) throws Exception {
        Path[] f = fakeGuest(dir, "console=ttyS0 memvisor.cpu=0");
        CliRun r = CliRun.of("measure", "cpu", "--vm", "g", "--run-dir", f[0].toString(), "--proc", f[1].toString(), "--duration", "5s", "--window", "5s");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("guest g (QEMU pid 4242) runs without the CPU reporter (kernel parameter memvisor.cpu=0)");
    }

    @Test
    void reportsThatNeverComeEndWithAMessage(@TempDir Path dir) throws Exception {
        Path[] f = fakeGuest(dir, "console=ttyS0 memvisor.cpu=1");
        CliRun r = CliRun.of("measure", "cpu", "--vm", "g", "--run-dir", f[0].toString(), "--proc", f[1].toString(),
                "--duration", "5s", "--window", "5s", "--report-timeout", "1s");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("guest g: no CPU report (MVCPU line) in " + f[0].resolve("g/cpu.log") + " within 1 s");
    }

    @Test
    void aQemuWhoseVcpuThreadsCannotBeFoundIsRefusedBeforeMeasuring(@TempDir Path dir) throws Exception {
        Path[] f = fakeGuest(dir, "console=ttyS0 memvisor.cpu=1", "qemu-system-x86");
        CliRun r = CliRun.of("measure", "cpu", "--vm", "g", "--run-dir", f[0].toString(), "--proc", f[1].toString(), "--duration", "5s", "--window", "5s");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("guest g: cannot find the vCPU threads of QEMU (pid 4242)").contains("debug-threads=on");
    }

    @Test
    void measureWithoutASubcommandIsAUsageError() {
        CliRun r = CliRun.of("measure");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("memvisor measure cpu --vm NAME");
    }
}
