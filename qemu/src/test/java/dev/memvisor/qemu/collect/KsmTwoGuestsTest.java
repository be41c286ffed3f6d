package dev.memvisor.qemu.collect;

import dev.memvisor.qemu.launch.Guest;
import dev.memvisor.qemu.launch.GuestSpec;
import dev.memvisor.qemu.launch.TestGuests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Two identical guests with KSM on: pages_sharing rises and the collectors attribute merged pages to each QEMU. */
class KsmTwoGuestsTest {
    private static final Path KSM = KsmStats.SYSFS;
    @TempDir Path dir;

    @Test
    void identicalGuestsShareAndEachGetsItsPart() throws Exception {
        assertThat(KsmStats.available(KSM)).as("this kernel has KSM (/sys/kernel/mm/ksm)").isTrue();
        KsmStats saved = KsmStats.read(KSM);
        List<GuestSpec> specs = List.of(
                GuestSpec.idle("ksm-a", 128L << 20).withWorkload(16L << 20, 0, "same"),
                GuestSpec.idle("ksm-b", 128L << 20).withWorkload(16L << 20, 0, "same"));
        List<Guest> guests = TestGuests.launcher(dir).startAll(specs, TestGuests.BOOT);
        try {
            awaitConsole(guests, "mvload: filled");
            new dev.memvisor.qemu.act.KsmControl(KSM).apply(50_000, 20);
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            QemuProcessStats a = null, b = null;
            while (System.nanoTime() < deadline) {
                a = QemuProcessStats.read(Path.of("/proc"), guests.get(0).pid());
                b = QemuProcessStats.read(Path.of("/proc"), guests.get(1).pid());
                if (a.ksmMergingPages() > 1000 && b.ksmMergingPages() > 1000) break;
                Thread.sleep(500);
            }
            assertThat(KsmStats.read(KSM).pagesSharing()).isPositive();
            assertThat(a.ksmMergingPages()).as("pages of guest a merged").isGreaterThan(1000);
            assertThat(b.ksmMergingPages()).as("pages of guest b merged").isGreaterThan(1000);
            assertThat(a.ksmProfitBytes()).isPositive();
        } finally {
            guests.forEach(Guest::close);
            restore(saved);
        }
    }

    private static void awaitConsole(List<Guest> guests, String marker) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        for (Guest g : guests) {
            while (g.consoleLines().stream().noneMatch(l -> l.contains(marker))) {
                if (System.nanoTime() > deadline) throw new AssertionError(g.name() + ": no '" + marker + "' on the console" + g.tails());
                Thread.sleep(200);
            }
        }
    }

    private static void restore(KsmStats s) throws Exception {
        Files.writeString(KSM.resolve("pages_to_scan"), Long.toString(s.pagesToScan()));
        Files.writeString(KSM.resolve("sleep_millisecs"), Long.toString(s.sleepMillis()));
        Files.writeString(KSM.resolve("run"), Integer.toString(s.run()));
    }
}
