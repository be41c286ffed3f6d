package dev.memvisor.cli.qemu;

import dev.memvisor.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code memvisor guest-image} builds the kernel, initramfs and manifest, and names a missing kernel. */
class GuestImageCommandTest {
    @TempDir Path dir;

    @Test
    void buildsTheImage() throws Exception {
        CliRun r = CliRun.of("guest-image", "--out", dir.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("kernel ").contains("cloud-amd64");
        assertThat(Files.size(dir.resolve("vmlinuz"))).isGreaterThan(1 << 20);
        assertThat(Files.size(dir.resolve("initramfs.cpio.gz"))).isGreaterThan(100_000);
        assertThat(Files.readString(dir.resolve("image.json"))).contains("virtio_balloon.ko");
    }

    @Test
    void aMissingKernelIsAFailureThatSaysWhatToDo() {
        CliRun r = CliRun.of("guest-image", "--out", dir.toString(), "--kernel-dir", dir.resolve("none").toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains(dir.resolve("none").toString()).contains("install-deps.sh");
    }
}
