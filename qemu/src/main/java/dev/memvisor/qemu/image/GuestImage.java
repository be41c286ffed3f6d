package dev.memvisor.qemu.image;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A built guest image: a kernel and an initramfs in one directory.
 *
 * @param dir           the image directory
 * @param kernelVersion the kernel's release, for example {@code 6.1.0-56-cloud-amd64}
 */
public record GuestImage(Path dir, String kernelVersion) {
    /** The kernel file. */
    public Path kernel() { return dir.resolve("vmlinuz"); }

    /** The initramfs file. */
    public Path initramfs() { return dir.resolve("initramfs.cpio.gz"); }

    /** Whether both files are present. */
    public boolean complete() { return Files.isRegularFile(kernel()) && Files.isRegularFile(initramfs()); }
}
