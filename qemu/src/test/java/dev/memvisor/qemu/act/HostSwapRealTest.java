package dev.memvisor.qemu.act;

import dev.memvisor.qemu.collect.QemuProcessStats;
import dev.memvisor.qemu.launch.Guest;
import dev.memvisor.qemu.launch.GuestSpec;
import dev.memvisor.qemu.launch.TestGuests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hypervisor swapping for real: a guest whose QEMU sits in a memory cgroup with a limit below what
 * its workload touches is swapped out by the host (VmSwap grows) while its resident memory stays
 * near the limit, and the guest keeps running. Sets up host swap when the host has none.
 */
class HostSwapRealTest {
    private static final long MIB = 1L << 20;
    private static final long LIMIT = 160 * MIB;
    private static final Pattern TOUCHED = Pattern.compile("mvload: t=\\d+ touched=(\\d+)");
    private static final Path PROC = Path.of("/proc");
    @TempDir Path dir;

    @Test
    void theHostSwapsAGuestBeyondItsCgroupLimitAndTheGuestGoesOn() throws Exception {
        // the workload touches 192 MiB of unique pages over and over: more than the 160 MiB the whole QEMU may keep resident
        GuestSpec spec = GuestSpec.idle("swapped", 320 * MIB).withWorkload(192 * MIB, 8000, "unique");
        try (TemporarySwap swap = TemporarySwap.ensure(512 * MIB);
             TestCgroup cg = TestCgroup.create("swap-test")) {
            System.err.println("[test] host swap: " + (swap.created() ? "a temporary swap file" : "the host's own") + " " + TemporarySwap.activeSwaps());
            cg.get().setLimit(LIMIT);
            try (Guest g = TestGuests.launcher(dir).start(spec, TestGuests.BOOT, cg.get())) {
                assertThat(cg.get().contains(g.pid())).as("QEMU pid %d in %s", g.pid(), cg.get().dir()).isTrue();
                long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
                QemuProcessStats s = QemuProcessStats.read(PROC, g.pid());
                long maxAnon = 0;
                while (System.nanoTime() < deadline && s.swapBytes() < 32 * MIB) {
                    Thread.sleep(500);
                    s = QemuProcessStats.read(PROC, g.pid());
                    maxAnon = Math.max(maxAnon, rssAnon(g.pid()));
                }
                assertThat(s.swapBytes()).as("VmSwap of QEMU beyond its %d MiB limit%s", LIMIT / MIB, g.tails()).isGreaterThanOrEqualTo(32 * MIB);
                if (cg.get().swapAccounted()) assertThat(cg.get().swapBytes()).as("swap charged to the cgroup").isPositive();
                long touchedAtSwap = lastTouched(g);
                // keep watching until the guest has touched another pass of its working set while swapped
                long progressDeadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
                while (System.nanoTime() < progressDeadline && lastTouched(g) < touchedAtSwap + (192 * MIB / 4096)) {
                    Thread.sleep(500);
                    s = QemuProcessStats.read(PROC, g.pid());
                    maxAnon = Math.max(maxAnon, rssAnon(g.pid()));
                }
                long touched = lastTouched(g);
                System.err.printf("[test] swapped guest: rss %d MiB (anonymous max %d), swap %d MiB, cgroup usage %d MiB, touched %d -> %d pages%n",
                        s.rssBytes() / MIB, maxAnon / MIB, s.swapBytes() / MIB, cg.get().usageBytes() / MIB, touchedAtSwap, touched);
                assertThat(g.alive()).as("the guest's QEMU is still running").isTrue();
                assertThat(touched - touchedAtSwap).as("pages the guest touched after it was swapped%s", g.tails())
                        .isGreaterThanOrEqualTo(192 * MIB / 4096);
                // guest RAM is anonymous memory, all charged to the cgroup QEMU started in; its binary and libraries
                // (RssFile) were read into the page cache before and stay charged to the cgroup that read them first
                assertThat(maxAnon).as("largest anonymous RSS (RssAnon) of QEMU seen").isLessThanOrEqualTo(LIMIT);
                assertThat(s.rssBytes()).as("QEMU RSS near the limit, not far below it").isGreaterThanOrEqualTo(LIMIT / 2);
                assertThat(cg.get().usageBytes()).isLessThanOrEqualTo(LIMIT);
            }
        }
    }

    /** RssAnon of /proc/PID/status in bytes. */
    private static long rssAnon(long pid) throws java.io.IOException {
        for (String line : java.nio.file.Files.readAllLines(PROC.resolve(pid + "/status"))) {
            if (line.startsWith("RssAnon:")) return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        }
        throw new AssertionError("no RssAnon in /proc/" + pid + "/status");
    }

    /** The last "touched=" count mvload printed on the console (0 before the first). */
    private static long lastTouched(Guest g) {
        long last = 0;
        for (String line : g.consoleLines()) {
            Matcher m = TOUCHED.matcher(line);
            if (m.find()) last = Long.parseLong(m.group(1));
        }
        return last;
    }
}
