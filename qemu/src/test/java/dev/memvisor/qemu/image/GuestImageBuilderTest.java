package dev.memvisor.qemu.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The image builder's checks and the cpio writer's exact bytes. */
class GuestImageBuilderTest {
    @TempDir Path dir;

    @Test
    void aMissingKernelPointsAtInstallDeps() {
        var b = new GuestImageBuilder(dir.resolve("nokernel"), Path.of("/bin/busybox"), "gcc");
        assertThatThrownBy(() -> b.build(dir.resolve("out"))).hasMessageContaining("nokernel").hasMessageContaining("install-deps.sh");
    }

    @Test
    void aMissingVirtioModuleIsNamed() throws Exception {
        Path k = dir.resolve("k");
        Files.createDirectories(k.resolve("boot"));
        Files.writeString(k.resolve("boot/vmlinuz-9.9.9-test"), "");
        Path virtio = Files.createDirectories(k.resolve("lib/modules/9.9.9-test/kernel/drivers/virtio"));
        Files.writeString(k.resolve("lib/modules/9.9.9-test/modules.builtin"), "kernel/drivers/virtio/virtio_ring.ko\nkernel/drivers/virtio/virtio.ko\n");
        Files.writeString(virtio.resolve("virtio_pci_legacy_dev.ko"), "");
        Files.writeString(virtio.resolve("virtio_pci_modern_dev.ko"), "");
        var b = new GuestImageBuilder(k, Path.of("/bin/busybox"), "gcc");
        assertThat(b.kernelVersion()).isEqualTo("9.9.9-test");
        assertThatThrownBy(() -> b.build(dir.resolve("out"))).hasMessageContaining("no module virtio_pci ")
                .hasMessageContaining("9.9.9-test");
    }

    @Test
    void cpioEntriesAreNewcWithFourBytePadding() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CpioWriter w = new CpioWriter(bytes)) {
            w.file("init", 0755, "abc".getBytes(StandardCharsets.US_ASCII));
        }
        String s = bytes.toString(StandardCharsets.ISO_8859_1);
        // header (110) + "init\\0" (5) padded to 116, data 3 padded to 120, then the trailer
        assertThat(s).startsWith("070701" + "00000001" + "000081ed");
        assertThat(s.substring(54, 62)).isEqualTo("00000003");
        assertThat(s.substring(94, 102)).isEqualTo("00000005");
        assertThat(s.substring(110, 115)).isEqualTo("init\0");
        assertThat(s.substring(116, 119)).isEqualTo("abc");
        assertThat(s.substring(120, 126)).isEqualTo("070701");
        assertThat(s).contains("TRAILER!!!\0");
        assertThat(bytes.size() % 4).isZero();
    }
}
