package dev.memvisor.cli.migrate;

import dev.memvisor.cli.CliRun;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code memvisor scan} and {@code memvisor migrate} through the real command line, without QEMU. */
class ScanCommandTest {
    @TempDir Path dir;

    static byte[] dump(int... seeds) {
        ByteBuffer b = ByteBuffer.allocate(seeds.length * 4096);
        for (int s : seeds) {
            byte[] p = new byte[4096];
            if (s != 0) for (int i = 0; i < p.length; i++) p[i] = (byte) (s * 31 + i * 7 + (i >> 8));
            b.put(p);
        }
        return b.array();
    }

    @Test
    void scansConstructedDumpsAndCountsZeroAndDuplicatePages() throws Exception {
        Path a = dir.resolve("a.raw"), b = dir.resolve("b.raw");
        Files.write(a, dump(1, 1, 1, 0, 0, 2));
        Files.write(b, dump(2, 3, 0));
        CliRun r = CliRun.of("scan", a.toString(), b.toString(), "--json");
        assertThat(r.status()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.path("pages").asLong()).isEqualTo(9);
        assertThat(j.path("zero_pages").asLong()).isEqualTo(3);
        assertThat(j.path("sources").get(0).path("duplicate_pages").asLong()).isEqualTo(2);
        assertThat(j.path("distinct_nonzero_pages").asLong()).isEqualTo(3);
        assertThat(j.path("cross_guest_pages").asLong()).isEqualTo(1);
        assertThat(j.path("sharable_pages").asLong()).isEqualTo(9 - 3 - 1);
        assertThat(j.path("gb_per_s").asDouble()).isPositive();

        CliRun table = CliRun.of("scan", a.toString());
        assertThat(table.status()).isZero();
        assertThat(table.out()).contains("a.raw").contains("sharing upper bound  3 pages").contains("GB/s");
    }

    @Test
    void badInputGetsAMessageAndAStatus() {
        CliRun none = CliRun.of("scan");
        assertThat(none.status()).isEqualTo(2);
        assertThat(none.err()).contains("give dump FILEs or --vm");

        CliRun missing = CliRun.of("scan", dir.resolve("nope.raw").toString());
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.err()).contains("nope.raw").contains("cannot read");

        CliRun noVm = CliRun.of("scan", "--vm", "ghost", "--run-dir", dir.toString());
        assertThat(noVm.status()).isEqualTo(1);
        assertThat(noVm.err()).contains("guest ghost").contains(dir.resolve("ghost/qmp.sock").toString());

        CliRun strategy = CliRun.of("migrate", "--vm", "x", "--to", "local", "--strategy", "teleport");
        assertThat(strategy.status()).isEqualTo(2);
        assertThat(strategy.err()).contains("teleport").contains("plain, free-page-hint, balloon-first, auto");

        CliRun uri = CliRun.of("migrate", "--vm", "x", "--to", "ftp://there", "--run-dir", dir.toString());
        assertThat(uri.status()).isIn(1, 2);
        assertThat(uri.err()).containsAnyOf("ftp://there", "guest x");
    }
}
