package dev.memvisor.qemu.launch;

import dev.memvisor.qemu.qmp.GuestStats;
import dev.memvisor.qemu.qmp.QmpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A guest that can page: its swap disk is switched on at boot, its paced workload reads the cache
 * disk and reports its progress, and a balloon past its free memory makes it swap (the guest's own
 * statistics say so) while the workload goes on, instead of an OOM kill.
 */
class PagingGuestRealTest {
    private static final long MIB = 1L << 20;
    private static final Pattern PROGRESS = Pattern.compile("mvload: t=([0-9.]+) ops=(\\d+)");
    @TempDir Path dir;

    @Test
    void aBalloonPastFreeMemoryMakesTheGuestSwapAndTheWorkloadGoesOn() throws Exception {
        Path cache = dir.resolve("cache.img");
        byte[] data = new byte[(int) (16 * MIB)];
        new Random(1).nextBytes(data);
        Files.write(cache, data);
        GuestOptions options = new GuestOptions(256 * MIB, cache, List.of("memvisor.sched=96M:400", "memvisor.step=30", "memvisor.cacheops=200"));
        try (Guest g = TestGuests.launcher(dir).start(GuestSpec.idle("pager", 192 * MIB), TestGuests.BOOT, null, options);
             QmpClient qmp = g.qmp()) {
            String ready = g.consoleLines().stream().filter(l -> l.contains(Guest.READY_MARKER)).findFirst().orElseThrow();
            assertThat(ready).containsPattern("swap=/dev/vd[a-z]").containsPattern("cache=/dev/vd[a-z]");
            awaitConsole(g, "mvload: cache /dev/vd");
            long before = awaitOps(g, 1);
            String path = qmp.findBalloonPath();
            qmp.setGuestStatsPollingInterval(path, 1);
            // 96M of anonymous working set and 16M of cache in a guest left with 72M: it must page
            qmp.balloon(72 * MIB);
            GuestStats s = BalloonRealTest.awaitStats(qmp, path, st -> st.swapOutBytes() > 8 * MIB);
            assertThat(s.swapOutBytes()).isGreaterThan(8 * MIB);
            long after = awaitOps(g, before + 400);
            assertThat(after).isGreaterThan(before);
            assertThat(g.consoleLines()).noneMatch(l -> l.contains("Out of memory") || l.contains("Killed process"));
            assertThat(g.alive()).isTrue();
        }
    }

    /** Waits (at most 120 s) until the workload reported at least {@code atLeast} operations; returns the count. */
    private static long awaitOps(Guest g, long atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        long last = -1;
        while (System.nanoTime() < deadline) {
            for (String l : g.consoleLines()) {
                Matcher m = PROGRESS.matcher(l);
                if (m.find()) last = Long.parseLong(m.group(2));
            }
            if (last >= atLeast) return last;
            Thread.sleep(500);
        }
        throw new AssertionError("the workload reported " + last + " operations, expected at least " + atLeast + g.tails());
    }

    private static void awaitConsole(Guest g, String text) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (g.consoleLines().stream().anyMatch(l -> l.contains(text))) return;
            Thread.sleep(500);
        }
        throw new AssertionError("no '" + text + "' on the console within 120 s" + g.tails());
    }
}
