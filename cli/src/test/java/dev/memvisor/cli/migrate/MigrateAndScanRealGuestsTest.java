package dev.memvisor.cli.migrate;

import dev.memvisor.cli.CliRun;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memvisor.qemu.launch.Accelerator;
import dev.memvisor.qemu.launch.Guest;
import dev.memvisor.qemu.launch.GuestSpec;
import dev.memvisor.qemu.migrate.MigrationPeerLauncher;
import dev.memvisor.qemu.migrate.PeerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code memvisor scan --vm} and {@code memvisor migrate} against real QEMU guests (TCG in CI). */
class MigrateAndScanRealGuestsTest {
    private static final Duration BOOT = MigrationPeers.BOOT;
    @TempDir Path run;

    private MigrationPeerLauncher peers() {
        return MigrationPeers.in(run);
    }

    @Test
    void scansTwoGuestsThenMigratesOneAndFailsToMigrateToADeadDestination() throws Exception {
        MigrationPeerLauncher peers = peers();
        // both guests fill 24 MiB with the same contents: cross-guest duplicates
        GuestSpec a = GuestSpec.idle("scan-a", 128L << 20).withWorkload(24L << 20, 0, "same");
        GuestSpec b = GuestSpec.idle("scan-b", 128L << 20).withWorkload(24L << 20, 0, "same");
        try (Guest ga = peers.startSource(a, PeerOptions.plain(), BOOT); Guest gb = peers.startSource(b, PeerOptions.plain(), BOOT)) {
            MigrationPeerLauncher.awaitConsole(ga, "mvload: filled", BOOT);
            MigrationPeerLauncher.awaitConsole(gb, "mvload: filled", BOOT);

            CliRun scan = CliRun.of("scan", "--vm", "scan-a", "--vm", "scan-b", "--run-dir", run.toString(), "--json");
            assertThat(scan.status()).as(scan.err()).isZero();
            JsonNode s = new ObjectMapper().readTree(scan.out());
            assertThat(s.path("sources")).hasSize(2);
            try (var q = ga.qmp()) {
                // the guest's RAM as QEMU has it (on TCG 8 KiB more than asked: TcgDirtyTracking)
                assertThat(s.path("sources").get(0).path("bytes").asLong())
                        .isEqualTo(q.execute("query-memory-size-summary", null).path("base-memory").asLong());
            }
            assertThat(s.path("zero_pages").asLong()).isPositive();
            assertThat(s.path("cross_guest_pages").asLong()).isGreaterThanOrEqualTo((24L << 20) / 4096); // at least the workload's pages
            assertThat(s.path("sharable_pages").asLong()).isGreaterThan(s.path("cross_guest_pages").asLong());
            JsonNode sb = s.path("sources").get(1);
            assertThat(sb.path("guest_free_bytes").asLong()).isBetween(1L, 128L << 20); // from the balloon statistics
            assertThat(sb.path("ksm_merging_pages").asLong()).isGreaterThanOrEqualTo(0);

            // the same guest through a dump-guest-memory ELF file: the two readers agree
            Path dump = run.resolve("scan-b.elf");
            try (var q = gb.qmp()) {
                q.execute("dump-guest-memory", java.util.Map.of("paging", false, "protocol", "file:" + dump), Duration.ofMinutes(2));
            }
            CliRun fromDump = CliRun.of("scan", dump.toString(), "--json");
            assertThat(fromDump.status()).as(fromDump.err()).isZero();
            JsonNode d = new ObjectMapper().readTree(fromDump.out());
            // guest RAM plus the small ROM blocks QEMU also dumps (the 256 KiB BIOS)
            assertThat(d.path("pages").asLong()).isBetween((128L << 20) / 4096, (129L << 20) / 4096);
            assertThat(d.path("zero_pages").asLong()).isCloseTo(sb.path("zero_pages").asLong(), org.assertj.core.data.Percentage.withPercentage(5));
            java.nio.file.Files.delete(dump);

            // migrate scan-a to a destination started here; the source stops, the destination runs
            CliRun mig = CliRun.of("migrate", "--vm", "scan-a", "--to", "local", "--strategy", "plain", "--run-dir", run.toString(), "--json");
            JsonNode m = mig.status() == 0 ? new ObjectMapper().readTree(mig.out()) : null;
            long destPid = m == null ? -1 : m.path("destination_pid").asLong(-1);
            try (Guest dest = new Guest("scan-a-dest", destPid, run.resolve("scan-a-dest/qmp.sock"), run.resolve("scan-a-dest"), Accelerator.TCG)) {
                assertThat(mig.status()).as(mig.err()).isZero();
                assertThat(m.path("status").asText()).isEqualTo("completed");
                assertThat(m.path("transferred_bytes").asLong()).isPositive();
                assertThat(m.path("zero_pages").asLong()).isPositive();
                assertThat(m.path("iterations").asLong()).isPositive();
                assertThat(dest.alive()).isTrue();
                ProcessHandle.of(ga.pid()).ifPresent(h -> h.onExit().orTimeout(15, java.util.concurrent.TimeUnit.SECONDS).join());
                assertThat(ga.alive()).isFalse();
            }

            // a dead destination: a clear error, and scan-b keeps running
            int port;
            try (ServerSocket ss = new ServerSocket(0)) {
                port = ss.getLocalPort();
            }
            CliRun noHint = CliRun.of("migrate", "--vm", "scan-b", "--to", "tcp:127.0.0.1:" + port, "--strategy", "free-page-hint", "--run-dir", run.toString());
            assertThat(noHint.status()).isEqualTo(1);
            assertThat(noHint.err()).contains("scan-b").contains("free-page-hint=on,iothread=io0");
            CliRun dead = CliRun.of("migrate", "--vm", "scan-b", "--to", "tcp:127.0.0.1:" + port, "--run-dir", run.toString());
            assertThat(dead.status()).isEqualTo(1);
            assertThat(dead.err()).contains("scan-b").contains("127.0.0.1:" + port).contains("refused").contains("keeps running");
            assertThat(gb.alive()).isTrue();
            try (var q = gb.qmp()) {
                assertThat(q.queryStatus()).isEqualTo("running");
            }
        }
    }
}
