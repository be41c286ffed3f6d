package dev.memvisor.qemu.launch;

import java.nio.file.Path;
import java.util.List;

/**
 * What a guest gets beyond its {@link GuestSpec}: a swap disk, a read-only disk its workload reads
 * through the page cache, and more kernel parameters (the paced workload's {@code memvisor.sched}).
 * Both disks are virtio-blk with {@code cache=none} (O_DIRECT, as production guests' disks usually
 * are), so the guest's own page cache is the only cache of their contents; the guest's init finds
 * them by serial ({@code mvswap}, {@code mvcache}). QEMU docs/system/invocation (-drive, -device virtio-blk-pci).
 *
 * @param swapBytes  size of the guest's swap disk, a sparse file in its directory (0 = none)
 * @param cacheImage a file attached read-only as the cache disk, or null for none
 * @param kernelArgs kernel parameters appended to the spec's
 */
public record GuestOptions(long swapBytes, Path cacheImage, List<String> kernelArgs) {
    /** Validates the swap size and copies the list. */
    public GuestOptions {
        if (swapBytes < 0) throw new IllegalArgumentException("swap disk size must be >= 0, got " + swapBytes);
        kernelArgs = List.copyOf(kernelArgs);
        for (String a : kernelArgs) {
            if (a.isBlank() || a.chars().anyMatch(Character::isWhitespace)) throw new IllegalArgumentException("kernel parameter '" + a + "': expected one word");
        }
    }

    /** No disks, no more parameters: what {@link GuestLauncher#start(GuestSpec, java.time.Duration)} gives. */
    public static GuestOptions none() {
        return new GuestOptions(0, null, List.of());
    }

    /** The QEMU arguments of the disks, their files under {@code dir}. */
    List<String> qemuArgs(Path dir) {
        List<String> a = new java.util.ArrayList<>();
        if (swapBytes > 0) {
            a.addAll(List.of("-drive", "file=" + dir.resolve("swap.img") + ",format=raw,if=none,id=mvswap,cache=none,aio=threads",
                    "-device", "virtio-blk-pci,drive=mvswap,serial=mvswap"));
        }
        if (cacheImage != null) {
            a.addAll(List.of("-drive", "file=" + cacheImage.toAbsolutePath() + ",format=raw,if=none,id=mvcache,readonly=on,cache=none,aio=threads",
                    "-device", "virtio-blk-pci,drive=mvcache,serial=mvcache"));
        }
        return a;
    }
}
