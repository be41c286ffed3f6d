package dev.memvisor.cli.measure;

import dev.memvisor.cli.CliRun;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memvisor.qemu.image.GuestImageBuilder;
import dev.memvisor.qemu.launch.Guest;
import dev.memvisor.qemu.launch.GuestLauncher;
import dev.memvisor.qemu.launch.GuestSpec;
import dev.memvisor.qemu.launch.RunDirectory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code memvisor measure cpu} against one real guest (TCG in CI) running the CPU reporter every second and
 * mvload touching pages fast enough to burn CPU: both sides see CPU, w is finite and positive, the offline
 * re-run of the recording gives the same windows, and QEMU killed mid-measurement ends it with a message.
 * The guest is stopped by pid in {@link #stop()} whatever happens.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MeasureCpuRealGuestTest {
    private static Path dir;
    private static Guest guest;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("memvisor-measure-cpu");
        Path root = Path.of(System.getProperty("memvisor.root", ".."));
        var image = GuestImageBuilder.defaults().buildIfNeeded(root.resolve("qemu/target/guest-image"));
        GuestSpec spec = GuestSpec.idle("burn", 128L << 20).withWorkload(32L << 20, 40000, "unique").withCpuReport(1);
        guest = new GuestLauncher(image, dir.resolve("run"), l -> System.err.println("[test] " + l)).start(spec, Duration.ofSeconds(180));
    }

    @AfterAll
    static void stop() {
        if (guest != null) guest.close();
        assertThat(guest == null || !guest.alive()).as("QEMU stopped").isTrue();
        RunDirectory.delete(dir);
    }

    @Test
    @Order(1)
    void measuresBothSidesAndCorrects() throws Exception {
        Path rec = dir.resolve("rec");
        CliRun r = CliRun.of("measure", "cpu", "--vm", "burn", "--run-dir", dir.resolve("run").toString(), "--duration", "12s", "--window", "6s",
                "--record", rec.toString(), "--json");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.err()).contains("measuring guest burn (QEMU pid " + guest.pid() + ", " + guest.accelerator() + ")").contains("under 5 minutes");
        System.err.println("[test] measure cpu:\n" + r.err() + r.out());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.path("vm").asText()).isEqualTo("burn");
        assertThat(j.path("vcpus").asInt()).isEqualTo(1);
        assertThat(j.path("windows")).hasSize(2);
        for (JsonNode w : j.path("windows")) {
            assertThat(w.path("hostCpuPct").asDouble()).as("host vCPU time").isGreaterThan(0);
            assertThat(w.path("guestCpuPct").asDouble()).as("guest busy time").isGreaterThan(0);
            assertThat(w.path("w").isNumber()).as("w is a number, not null").isTrue();
            assertThat(w.path("w").asDouble()).isGreaterThan(0).isLessThan(1e6);
            JsonNode mvload = null;
            for (var it = w.path("processes").fields(); it.hasNext(); ) {
                var e = it.next();
                if (e.getKey().startsWith("mvload:") && e.getValue().path("reportedPct").asDouble() > 0) mvload = e.getValue();
            }
            assertThat(mvload).as("the burning mvload in " + w.path("processes")).isNotNull();
            assertThat(mvload.path("correctedPct").asDouble()).isCloseTo(mvload.path("reportedPct").asDouble() * w.path("w").asDouble(),
                    org.assertj.core.data.Offset.offset(1e-6));
        }

        CliRun offline = CliRun.of("measure", "cpu", "--vm", "burn", "--guest-log", rec.resolve("guest-cpu.log").toString(),
                "--host-log", rec.resolve("host-cpu.csv").toString(), "--window", "6s", "--json");
        assertThat(offline.status()).as(offline.err()).isZero();
        assertThat(new ObjectMapper().readTree(offline.out()).path("windows")).isEqualTo(j.path("windows"));
    }

    @Test
    @Order(2)
    void findsTheGuestByItsSocketPathAndPrintsCsv() {
        CliRun r = CliRun.of("measure", "cpu", "--vm", guest.qmpSocket().toString(), "--duration", "4s", "--window", "4s", "--csv");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out().lines().findFirst()).hasValue(CorrectionOutput.CSV_HEADER);
        String total = r.out().lines().filter(l -> l.contains(",_Total,")).findFirst().orElseThrow();
        String[] f = total.split(",");
        assertThat(Double.parseDouble(f[2])).as("host CPU in " + total).isGreaterThan(0);
        assertThat(Double.parseDouble(f[4])).as("w in " + total).isGreaterThan(0);
    }

    @Test
    @Order(3)
    void qemuKilledMidMeasurementEndsItWithAMessage() throws Exception {
        Path rec = dir.resolve("rec-killed");
        CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(() -> CliRun.of("measure", "cpu", "--vm", "burn",
                "--run-dir", dir.resolve("run").toString(), "--duration", "2m", "--window", "1m", "--record", rec.toString()));
        // Kill QEMU once the measurement has taken two host samples.
        Path host = rec.resolve("host-cpu.csv");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(Files.exists(host) && Files.readAllLines(host).size() >= 3)) {
            assertThat(System.nanoTime()).as("host samples within 60 s").isLessThan(deadline);
            assertThat(run).as("measurement still running").isNotDone();
            Thread.onSpinWait();
        }
        guest.kill();
        CliRun r = run.get(30, TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("guest burn: QEMU (pid " + guest.pid() + ") has exited after");
    }
}
