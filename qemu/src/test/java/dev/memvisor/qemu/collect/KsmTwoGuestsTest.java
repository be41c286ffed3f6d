package dev.memvisor.qemu.collect;

import dev.memvisor.qemu.act.KsmControl;
import dev.memvisor.qemu.launch.Await;
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

/**
 * Two identical guests with KSM on: the collectors attribute merged pages to each QEMU. KSM is
 * host-wide and other test runs on the same host may change its knobs or merge their own guests,
 * so the test asserts only on its own QEMUs (/proc/PID/ksm_stat), re-applies its knobs while it
 * waits, and waits on conditions with deadlines.
 */
class KsmTwoGuestsTest {
    private static final Path KSM = KsmStats.SYSFS;
    private static final Path PROC = Path.of("/proc");
    private static final long MERGED_PAGES = 1000;   // of the 4096 pages of each 16 MiB working set
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
            for (Guest g : guests) {
                boolean filled = Await.until(Duration.ofSeconds(180), () -> console(g).contains("mvload: filled"), f -> f);
                assertThat(filled).as("%s: 'mvload: filled' on the console%s", g.name(), g.tails()).isTrue();
            }
            KsmControl ksm = new KsmControl(KSM);
            long[] merged = Await.until(Duration.ofSeconds(240), () -> {
                // another run may have stopped KSM or slowed it meanwhile: put our knobs back each time
                ksm.apply(50_000, 20);
                return new long[] {stats(guests.get(0)).ksmMergingPages(), stats(guests.get(1)).ksmMergingPages()};
            }, m -> m[0] > MERGED_PAGES && m[1] > MERGED_PAGES);
            assertThat(merged[0]).as("pages of guest a merged (its ksm_stat)").isGreaterThan(MERGED_PAGES);
            assertThat(merged[1]).as("pages of guest b merged (its ksm_stat)").isGreaterThan(MERGED_PAGES);
            assertThat(stats(guests.get(0)).ksmProfitBytes()).as("KSM profit of guest a's QEMU").isPositive();
        } finally {
            guests.forEach(Guest::close);
            restore(saved);
        }
    }

    private static QemuProcessStats stats(Guest g) {
        return QemuProcessStats.read(PROC, g.pid());
    }

    private static String console(Guest g) {
        return String.join("\n", g.consoleLines());
    }

    private static void restore(KsmStats s) throws Exception {
        Files.writeString(KSM.resolve("pages_to_scan"), Long.toString(s.pagesToScan()));
        Files.writeString(KSM.resolve("sleep_millisecs"), Long.toString(s.sleepMillis()));
        Files.writeString(KSM.resolve("run"), Integer.toString(s.run()));
    }
}
