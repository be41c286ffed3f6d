package dev.memvisor.qemu.migrate;

import dev.memvisor.qemu.launch.Guest;
import dev.memvisor.qemu.launch.GuestSpec;
import dev.memvisor.qemu.launch.TestGuests;
import dev.memvisor.qemu.qmp.QmpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Live migration between two real QEMU processes over loopback (TCG in CI). Source guests on TCG get
 * 8 KiB more RAM, clear of the QEMU 7.2 bug that loses guest stores during a TCG live migration
 * ({@link TcgDirtyTracking}; before, the balloon-first test crashed the guest on arrival in 5 of 12
 * runs on a loaded machine).
 */
class LiveMigrationRealQemuTest {
    private static final Pattern TOUCHED = Pattern.compile("mvload: t=\\d+ touched=(\\d+)");
    @TempDir Path dir;

    private MigrationPeerLauncher peers() {
        return new MigrationPeerLauncher(TestGuests.image(), dir, l -> System.err.println("[test] " + l));
    }

    @Test
    void aBalloonFirstMigratedGuestKeepsRunningItsWorkloadOnTheDestination() throws Exception {
        MigrationPeerLauncher peers = peers();
        GuestSpec spec = GuestSpec.idle("mig-src", 192L << 20).withWorkload(24L << 20, 2000, "unique");
        try (Guest src = peers.startSource(spec, PeerOptions.plain(), TestGuests.BOOT)) {
            awaitProgress(src, 1, Duration.ofSeconds(60));
            try (Guest dst = peers.startDestination(Path.of("/proc"), src.pid(), "mig-dst", Duration.ofSeconds(30));
                 QmpClient sq = src.qmp(); QmpClient dq = dst.qmp()) {
                long ram = sq.queryBalloon().actualBytes();
                MigrationResult r;
                try {
                    r = new LiveMigration(l -> System.err.println("[test] " + l))
                            .migrate("mig-src", sq, Optional.of(dq), "tcp:127.0.0.1:" + freePort(), MigrationStrategy.AUTO);
                } catch (MigrationException e) {
                    // the destination's console and QEMU log say what happened on arrival (a guest oops, a QEMU error)
                    throw new AssertionError(e.getMessage() + "\ndestination:" + dst.tails(), e);
                }
                assertThat(r.strategy()).isEqualTo(MigrationStrategy.BALLOON_FIRST);
                assertThat(r.balloonedBytes()).isGreaterThan(64L << 20);
                assertThat(r.status()).isEqualTo("completed");
                assertThat(r.ramBytes()).isGreaterThanOrEqualTo(192L << 20);
                assertThat(r.transferredBytes()).isPositive();
                assertThat(r.iterations()).isGreaterThanOrEqualTo(1);
                assertThat(r.downtimeMillis()).isGreaterThanOrEqualTo(0);
                assertThat(sq.queryStatus()).isEqualTo("postmigrate");
                assertThat(dq.queryStatus()).isEqualTo("running");
                assertThat(dq.queryBalloon().actualBytes()).as("memory given back on arrival").isEqualTo(ram);
                // the workload's progress counter keeps rising in the destination's console
                List<Long> onDest = awaitProgress(dst, 2, Duration.ofSeconds(60));
                assertThat(onDest.get(onDest.size() - 1)).isGreaterThan(onDest.get(0));
            }
        }
    }

    @Test
    void balloonFirstSendsFarLessThanPlainForAGuestThatWroteThenFreedItsMemory() throws Exception {
        MigrationPeerLauncher peers = peers();
        long[] sent = new long[2];
        MigrationStrategy[] order = {MigrationStrategy.PLAIN, MigrationStrategy.BALLOON_FIRST};
        for (int i = 0; i < 2; i++) {
            GuestSpec spec = GuestSpec.idle("freed-" + i, 256L << 20);
            try (Guest src = peers.startSource(spec, PeerOptions.plain().withWriteThenFree(160L << 20), TestGuests.BOOT);
                 Guest dst = peers.startDestination(Path.of("/proc"), src.pid(), "freed-dst-" + i, Duration.ofSeconds(30));
                 QmpClient sq = src.qmp(); QmpClient dq = dst.qmp()) {
                MigrationResult r = new LiveMigration(l -> System.err.println("[test] " + l))
                        .migrate(spec.name(), sq, Optional.of(dq), "tcp:127.0.0.1:" + freePort(), order[i]);
                assertThat(r.status()).isEqualTo("completed");
                assertThat(dst.alive()).isTrue();
                sent[i] = r.transferredBytes();
                if (i == 1) assertThat(r.balloonedBytes()).isGreaterThan(100L << 20);
            }
        }
        assertThat(sent[0]).as("plain sends the freed but non-zero pages").isGreaterThan(160L << 20);
        assertThat(sent[1]).as("balloon-first bytes vs plain " + sent[0]).isLessThan(sent[0] / 2);
    }

    @Test
    void aDeadDestinationFailsClearlyAndTheSourceKeepsRunning() throws Exception {
        MigrationPeerLauncher peers = peers();
        GuestSpec spec = GuestSpec.idle("dead-src", 128L << 20).withWorkload(16L << 20, 2000, "unique");
        try (Guest src = peers.startSource(spec, PeerOptions.plain(), TestGuests.BOOT); QmpClient sq = src.qmp()) {
            String uri = "tcp:127.0.0.1:" + freePort();
            assertThatThrownBy(() -> new LiveMigration(l -> { }).migrate("dead-src", sq, Optional.empty(), uri, MigrationStrategy.PLAIN))
                    .isInstanceOf(MigrationException.class)
                    .hasMessageContaining("dead-src").hasMessageContaining(uri)
                    .hasMessageContaining("refused").hasMessageContaining("keeps running");
            assertThat(src.alive()).isTrue();
            assertThat(sq.queryStatus()).isEqualTo("running");
            int seen = progress(src).size();
            List<Long> after = awaitProgress(src, seen + 2, Duration.ofSeconds(60));
            assertThat(after.get(after.size() - 1)).isGreaterThan(after.get(seen));
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static List<Long> progress(Guest g) {
        List<Long> out = new ArrayList<>();
        for (String l : g.consoleLines()) {
            Matcher m = TOUCHED.matcher(l);
            if (m.find()) out.add(Long.parseLong(m.group(1)));
        }
        return out;
    }

    /** Polls the console until it holds {@code n} progress lines (the workload prints one every 5 s). */
    static List<Long> awaitProgress(Guest g, int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (List<Long> p = progress(g); ; p = progress(g)) {
            if (p.size() >= n) return p;
            if (System.nanoTime() > deadline) throw new AssertionError(g.name() + ": " + p.size() + " progress lines, wanted " + n + g.tails());
            Thread.sleep(250);
        }
    }
}
