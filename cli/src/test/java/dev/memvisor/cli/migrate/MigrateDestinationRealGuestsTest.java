package dev.memvisor.cli.migrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memvisor.cli.CliRun;
import dev.memvisor.qemu.launch.Guest;
import dev.memvisor.qemu.launch.GuestSpec;
import dev.memvisor.qemu.migrate.MigrationPeerLauncher;
import dev.memvisor.qemu.migrate.PeerOptions;
import dev.memvisor.qemu.qmp.QmpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code memvisor migrate} and the destination, on real QEMU guests (issue 11, item 10): a guest whose
 * QMP socket another client holds (as {@code memvisor run} does) is refused at once with a hint; a
 * destination that does not wait for a migration is found out before balloon-first touches the guest;
 * a destination started with {@code -incoming tcp:...} and given as {@code --dest-qmp} works.
 */
class MigrateDestinationRealGuestsTest {
    private static final Duration BOOT = MigrationPeers.BOOT;
    @TempDir Path run;

    private MigrationPeerLauncher peers() {
        return MigrationPeers.in(run);
    }

    @Test
    void aHeldSocketABusyDestinationAndAnIncomingTcpDestination() throws Exception {
        MigrationPeerLauncher peers = peers();
        GuestSpec a = GuestSpec.idle("mig-a", 160L << 20).withWorkload(16L << 20, 0, "unique");
        GuestSpec b = GuestSpec.idle("mig-b", 128L << 20);
        try (Guest ga = peers.startSource(a, PeerOptions.plain(), BOOT); Guest gb = peers.startSource(b, PeerOptions.plain(), BOOT)) {
            long ramA;
            try (QmpClient q = ga.qmp()) {
                ramA = q.queryBalloon().actualBytes();
                // another client holds mig-a's monitor, as `memvisor run` does for the VMs it manages
                long t0 = System.nanoTime();
                CliRun held = CliRun.of("migrate", "--vm", "mig-a", "--to", "local", "--run-dir", run.toString());
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertThat(held.status()).isEqualTo(1);
                assertThat(held.err()).contains("another client holds the QMP socket").contains("memvisor run");
                assertThat(ms).as("refused without waiting 10 s for a greeting").isLessThan(8000);
            }

            // a destination that is a running guest, not one waiting for a migration: refused before the guest is shrunk
            int port = freePort();
            CliRun busy = CliRun.of("migrate", "--vm", "mig-a", "--to", "tcp:127.0.0.1:" + port, "--dest-qmp", gb.qmpSocket().toString(),
                    "--strategy", "balloon-first", "--run-dir", run.toString());
            assertThat(busy.status()).isEqualTo(1);
            assertThat(busy.err()).contains("is running, not waiting for a migration").contains("nothing was changed on the source")
                    .doesNotContain("shrinking");
            try (QmpClient q = ga.qmp()) {
                assertThat(q.queryBalloon().actualBytes()).as("mig-a was not ballooned").isEqualTo(ramA);
                assertThat(q.queryStatus()).isEqualTo("running");
            }

            // a destination started with -incoming tcp:... (not defer), given as --dest-qmp: balloon-first works and gives the memory back
            int incoming = freePort();
            try (Guest dest = peers.startDestination(Path.of("/proc"), ga.pid(), "mig-a-dst", Duration.ofSeconds(30), "tcp:127.0.0.1:" + incoming)) {
                CliRun ok = CliRun.of("migrate", "--vm", "mig-a", "--to", "tcp:127.0.0.1:" + incoming, "--dest-qmp", dest.qmpSocket().toString(),
                        "--strategy", "balloon-first", "--run-dir", run.toString(), "--json");
                assertThat(ok.status()).as(ok.err() + dest.tails()).isZero();
                JsonNode m = new ObjectMapper().readTree(ok.out());
                assertThat(m.path("status").asText()).isEqualTo("completed");
                assertThat(m.path("notes").toString()).contains("started with -incoming URI");
                try (QmpClient q = dest.qmp()) {
                    assertThat(q.queryStatus()).isEqualTo("running");
                    assertThat(q.queryBalloon().actualBytes()).as("memory given back on the destination").isEqualTo(ramA);
                }
            }
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
