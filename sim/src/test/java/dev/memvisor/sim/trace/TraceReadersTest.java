package dev.memvisor.sim.trace;

import dev.memvisor.sim.TestPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TraceReadersTest {
    @Test
    void lirsBlocksAreRenumberedInOrderOfFirstUse(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("t.trace");
        Files.writeString(f, "7\n9\n7\n\n3\n");
        PageTrace t = LirsTraceReader.load(f, 0);
        assertThat(t.refs()).containsExactly(0, 2, 0, 4);
        assertThat(t.pages()).isEqualTo(3);
    }

    @Test
    void addressTracesMapToFourKibPagesAndStoresAreWrites(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("t.trace.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(f))) {
            o.write("s 0x1000 1\nl 0x1fff 2\nl 0x2000 1\n".getBytes(StandardCharsets.UTF_8));
        }
        PageTrace t = AddressTraceReader.load(f, 0);
        assertThat(t.refs()).containsExactly(1, 0, 2);
        assertThat(t.pages()).isEqualTo(2);
        assertThat(AddressTraceReader.load(f, 2).refs()).hasSize(2);
    }

    @Test
    void aBadLineIsNamed(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("bad.trace");
        Files.writeString(f, "1\nx2\n");
        assertThatThrownBy(() -> TraceCache.pages("lirs", f, 0)).hasMessageContaining("bad.trace").hasMessageContaining("line 2");
    }

    @Test
    void theSharedTracesRead() {
        PageTrace lirs = LirsTraceReader.load(TestPaths.data("traces/lirs/multi1.trace.gz"), 0);
        assertThat(lirs.refs()).hasSize(15858);
        assertThat(lirs.pages()).isEqualTo(2606);
        PageTrace gcc = AddressTraceReader.load(TestPaths.data("traces/address/gcc.trace.gz"), 0);
        assertThat(gcc.refs()).hasSize(515683);
        assertThat(gcc.pages()).isEqualTo(294);
        BitbrainsTrace bb = BitbrainsTrace.read(TestPaths.data("traces/bitbrains-rnd-2013-7/1.csv.gz"));
        assertThat(bb.seconds()[0]).isZero();
        assertThat(bb.seconds()[1]).isEqualTo(300);
        assertThat(bb.usedBytes()[0]).isEqualTo((long) (1034592.8 * 1024));
        assertThat(bb.cpuCores()[0]).isCloseTo(2 * 1.5 / 100, org.assertj.core.data.Offset.offset(1e-9));
        // the first row: "1372629804;	2;	...;	8218624.0;	1034592.8;..." (timestamp, cores, provisioned KB)
        assertThat(bb.startEpochSeconds()).isEqualTo(1372629804L);
        assertThat(bb.cores()[0]).isEqualTo(2);
        assertThat(bb.provisionedBytes()[0]).isEqualTo(8218624L * 1024);
    }
}
