package dev.memvisor.qemu.act;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** ZswapControl on a directory laid out as /sys/module/zswap/parameters: what it reads, writes and puts back. */
class ZswapControlTest {
    @TempDir Path dir;

    @BeforeEach
    void asFound() throws IOException {
        Files.writeString(dir.resolve("enabled"), "N\n");
        Files.writeString(dir.resolve("compressor"), "lzo\n");
        Files.writeString(dir.resolve("max_pool_percent"), "20\n");
    }

    @Test
    void readsTheKnobsAsTheKernelPrintsThem() throws IOException {
        ZswapControl z = new ZswapControl(dir);
        assertThat(z.available()).isTrue();
        assertThat(z.read()).isEqualTo(new ZswapControl.Settings(false, "lzo", 20));
        Files.writeString(dir.resolve("enabled"), "1\n");
        assertThat(z.read().enabled()).as("older kernels print 1/0").isTrue();
        assertThat(new ZswapControl(dir.resolve("absent")).available()).isFalse();
    }

    @Test
    void applyThenRestorePutsBackWhatWasFound() {
        ZswapControl z = new ZswapControl(dir);
        ZswapControl.Settings found = z.read();
        z.apply(new ZswapControl.Settings(true, "zstd", 3));
        assertThat(z.read()).isEqualTo(new ZswapControl.Settings(true, "zstd", 3));
        z.apply(new ZswapControl.Settings(true, "", 5));
        assertThat(z.read()).as("an empty compressor keeps the one set").isEqualTo(new ZswapControl.Settings(true, "zstd", 5));
        z.restore(found);
        assertThat(z.read()).isEqualTo(found);
    }

    @Test
    void aValueAlreadySetIsNotWrittenAgain() throws IOException {
        ZswapControl z = new ZswapControl(dir);
        FileTime old = FileTime.fromMillis(0);
        for (String k : new String[] {"enabled", "compressor", "max_pool_percent"}) Files.setLastModifiedTime(dir.resolve(k), old);
        z.apply(new ZswapControl.Settings(false, "lzo", 7));
        assertThat(Files.getLastModifiedTime(dir.resolve("max_pool_percent"))).as("the changed knob is written").isNotEqualTo(old);
        assertThat(Files.getLastModifiedTime(dir.resolve("enabled"))).as("N stays N: not written").isEqualTo(old);
        assertThat(Files.getLastModifiedTime(dir.resolve("compressor"))).isEqualTo(old);
    }

    @Test
    void aKnobItCannotReadOrWriteIsNamedInTheError() throws IOException {
        Files.delete(dir.resolve("max_pool_percent"));
        ZswapControl z = new ZswapControl(dir);
        assertThatThrownBy(z::read).isInstanceOf(IllegalStateException.class).hasMessageContaining(dir.resolve("max_pool_percent").toString());
        Files.writeString(dir.resolve("max_pool_percent"), "lots\n");
        assertThatThrownBy(z::read).hasMessageContaining("max_pool_percent").hasMessageContaining("not a number");
        Files.delete(dir.resolve("compressor"));
        Files.createDirectory(dir.resolve("compressor"));
        assertThatThrownBy(() -> z.apply(new ZswapControl.Settings(true, "zstd", 3))).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("zstd").hasMessageContaining(dir.resolve("compressor").toString()).hasMessageContaining("/proc/crypto");
    }
}
