package dev.memvisor.qemu.launch;

import dev.memvisor.qemu.qmp.GuestStats;
import dev.memvisor.qemu.qmp.QmpClient;
import dev.memvisor.qemu.qmp.QmpEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** A real guest ballooned down and back up: QEMU's BALLOON_CHANGE events and the guest's own MemTotal follow. */
class BalloonRealTest {
    private static final long MIB = 1L << 20;
    @TempDir Path dir;

    @Test
    void theGuestsTotalFollowsTheBalloon() throws Exception {
        // without deflate-on-oom the guest driver takes ballooned pages out of MemTotal (virtio_balloon.c adjust_managed_page_count)
        GuestSpec spec = GuestSpec.idle("balloon", 192 * MIB).withDeflateOnOom(false);
        try (Guest g = TestGuests.launcher(dir).start(spec, TestGuests.BOOT); QmpClient qmp = g.qmp()) {
            String path = qmp.findBalloonPath();
            qmp.setGuestStatsPollingInterval(path, 1);
            long total0 = awaitStats(qmp, path, s -> s.totalBytes() > 0).totalBytes();

            var down = qmp.nextEvent(actualIs(128 * MIB));
            qmp.balloon(128 * MIB);
            down.get(60, TimeUnit.SECONDS);
            assertThat(qmp.queryBalloon().actualBytes()).isEqualTo(128 * MIB);
            long totalDown = awaitStats(qmp, path, s -> s.totalBytes() <= total0 - 60 * MIB).totalBytes();
            assertThat(total0 - totalDown).isBetween(63 * MIB, 65 * MIB);

            var up = qmp.nextEvent(actualIs(192 * MIB));
            qmp.balloon(192 * MIB);
            up.get(60, TimeUnit.SECONDS);
            long totalUp = awaitStats(qmp, path, s -> s.totalBytes() >= total0 - MIB).totalBytes();
            assertThat(totalUp).isEqualTo(total0);
        }
    }

    private static Predicate<QmpEvent> actualIs(long bytes) {
        return e -> e.name().equals("BALLOON_CHANGE") && e.data().path("actual").asLong() == bytes;
    }

    static GuestStats awaitStats(QmpClient qmp, String path, Predicate<GuestStats> ok) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        GuestStats last = null;
        while (System.nanoTime() < deadline) {
            last = qmp.guestStats(path);
            if (last.reported() && ok.test(last)) return last;
            Thread.sleep(250);
        }
        throw new AssertionError("guest statistics did not reach the expected state within 60 s; last: " + last);
    }
}
