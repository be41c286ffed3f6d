package dev.memvisor.qemu.qmp;

import dev.memvisor.qemu.launch.Guest;
import dev.memvisor.qemu.launch.GuestSpec;
import dev.memvisor.qemu.launch.TestGuests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The QMP client against a real QEMU guest: typed calls, guest statistics, errors, quit and the SHUTDOWN event. */
class QmpClientRealQemuTest {
    @TempDir Path dir;

    @Test
    void talksToARealQemuFromGreetingToQuit() throws Exception {
        try (Guest g = TestGuests.launcher(dir).start(GuestSpec.idle("qmp-real", 128L << 20).withCpuReport(1), TestGuests.BOOT);
             QmpClient qmp = g.qmp()) {
            assertThat(qmp.qemuVersion()).matches("\\d+\\.\\d+\\.\\d+");
            assertThat(qmp.queryStatus()).isEqualTo("running");
            assertThat(qmp.queryBalloon().actualBytes()).isEqualTo(128L << 20);
            String balloon = qmp.findBalloonPath();
            assertThat(balloon).isEqualTo("/machine/peripheral/balloon0");
            assertThat(qmp.qomGet(balloon, "guest-stats-polling-interval").asInt()).isEqualTo(2);
            qmp.setGuestStatsPollingInterval(balloon, 1);
            GuestStats stats = awaitStats(qmp, balloon);
            assertThat(stats.totalBytes()).isBetween(64L << 20, 128L << 20);
            assertThat(stats.freeBytes()).isPositive().isLessThan(stats.totalBytes());
            assertThat(qmp.queryMigrate().status()).isIn("none", "");

            assertThatThrownBy(() -> qmp.qomGet("/machine/peripheral/nothing-here", "guest-stats"))
                    .isInstanceOf(QmpErrorReply.class).hasMessageContaining("qom-get");
            assertThatThrownBy(() -> qmp.execute("no-such-command", null))
                    .isInstanceOfSatisfying(QmpErrorReply.class, e -> assertThat(e.errorClass()).isEqualTo("CommandNotFound"));

            assertCpuReports(g);
            Guest attached = Guest.attach("again", g.qmpSocket());
            assertThat(attached.pid()).isEqualTo(g.pid());
            assertThat(attached.accelerator()).isEqualTo(g.accelerator());
            assertThatThrownBy(() -> Guest.attach("nobody", dir.resolve("none.qmp")))
                    .hasMessageContaining("nobody").hasMessageContaining("none.qmp");

            var shutdown = qmp.nextEvent(e -> e.name().equals("SHUTDOWN"));
            qmp.quit();
            assertThat(shutdown.get(30, TimeUnit.SECONDS).data().path("guest").asBoolean(true)).isFalse();
            ProcessHandle.of(g.pid()).ifPresent(h -> h.onExit().orTimeout(30, TimeUnit.SECONDS).join());
            assertThat(g.alive()).isFalse();
            assertThatThrownBy(qmp::queryStatus).isInstanceOf(QmpClosedException.class);
        }
    }

    static GuestStats awaitStats(QmpClient qmp, String balloon) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            GuestStats s = qmp.guestStats(balloon);
            if (s.reported() && s.totalBytes() > 0) return s;
            Thread.sleep(250);
        }
        throw new AssertionError("the guest reported no balloon statistics within 60 s");
    }

    /** The guest's CPU reporter writes MVCPU, MVPROC and MVEND lines to the second serial port (format in README). */
    static void assertCpuReports(Guest g) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        java.util.List<String> lines = java.util.List.of();
        while (System.nanoTime() < deadline) {
            lines = java.nio.file.Files.readAllLines(g.cpuLog(), java.nio.charset.StandardCharsets.ISO_8859_1);
            if (lines.stream().filter(l -> l.startsWith("MVEND ")).count() >= 2) break;
            Thread.sleep(250);
        }
        assertThat(lines).filteredOn(l -> l.startsWith("MVEND ")).hasSizeGreaterThanOrEqualTo(2);
        String cpu = lines.stream().filter(l -> l.startsWith("MVCPU ")).findFirst().orElseThrow();
        assertThat(cpu).doesNotContain("  ").doesNotEndWith(" ");
        String[] f = cpu.split(" ");
        assertThat(f[2]).isEqualTo("cpu");
        assertThat(f.length).isGreaterThanOrEqualTo(10);
        for (int i = 3; i < f.length; i++) assertThat(Long.parseLong(f[i])).isNotNegative();
        assertThat(lines).anyMatch(l -> l.matches("MVPROC \\d+ 1 init \\d+ \\d+"));
        assertThat(lines).anyMatch(l -> l.matches("MVPROC \\d+ \\d+ mvload \\d+ \\d+"));
        assertThat(lines.stream().filter(l -> l.startsWith("MVEND ")).findFirst().orElseThrow()).matches("MVEND \\d+ 100");
    }
}
