package dev.memvisor.core.model;

import dev.memvisor.core.unit.Size;

/**
 * A VM's hot-pluggable memory as a virtio-mem device offers it: the memory the VM booted with, which
 * is never unplugged, and a region of up to {@code maxPluggedBytes} that is plugged and unplugged in
 * whole blocks; the guest plugs or unplugs toward the size it was last asked for, at its own pace.
 * Sources: QEMU docs/system/devices/virtio-mem.rst and qapi/machine.json (VirtioMEMDeviceInfo:
 * block-size, max-size, size, requested-size); Linux drivers/virtio/virtio_mem.c.
 *
 * @param bootBytes       the memory the VM booted with (QEMU {@code -m SIZE}); never unplugged, and the
 *                        memory QEMU's balloon works within (its target is relative to the boot memory)
 * @param blockBytes      the device's block size: every plug and unplug is a whole number of blocks
 * @param maxPluggedBytes the most the device can plug (its memory backend's size, max-size)
 * @param pluggedBytes    what is plugged now (size)
 * @param requestedBytes  what the device was last asked to plug (requested-size)
 */
public record HotplugMemory(long bootBytes, long blockBytes, long maxPluggedBytes, long pluggedBytes, long requestedBytes) {

    /** Validates: boot memory above 0, a power-of-two block, a region of whole blocks, plugged and requested within it. */
    public HotplugMemory {
        if (bootBytes <= 0) throw new IllegalArgumentException("bootBytes must be > 0, got " + bootBytes);
        if (blockBytes <= 0 || Long.bitCount(blockBytes) != 1) {
            throw new IllegalArgumentException("blockBytes must be a power of two, got " + blockBytes);
        }
        if (maxPluggedBytes < 0 || maxPluggedBytes % blockBytes != 0) {
            throw new IllegalArgumentException("maxPluggedBytes must be whole blocks of " + Size.format(blockBytes) + ", got " + maxPluggedBytes);
        }
        if (pluggedBytes < 0 || pluggedBytes > maxPluggedBytes) {
            throw new IllegalArgumentException("pluggedBytes " + pluggedBytes + " outside [0, " + maxPluggedBytes + "]");
        }
        if (requestedBytes < 0 || requestedBytes > maxPluggedBytes) {
            throw new IllegalArgumentException("requestedBytes " + requestedBytes + " outside [0, " + maxPluggedBytes + "]");
        }
    }

    /** Memory present in the guest now: boot memory and what is plugged. */
    public long presentBytes() {
        return bootBytes + pluggedBytes;
    }

    /** The most the guest can ever have: boot memory and the whole region. */
    public long maxPresentBytes() {
        return bootBytes + maxPluggedBytes;
    }

    /** {@code bytes} rounded up to whole blocks, within [0, maxPluggedBytes]. */
    public long roundUp(long bytes) {
        if (bytes <= 0) return 0;
        long blocks = (bytes - 1) / blockBytes + 1;
        return Math.min(maxPluggedBytes, blocks * blockBytes);
    }

    /** {@code bytes} rounded down to whole blocks, within [0, maxPluggedBytes]. */
    public long roundDown(long bytes) {
        if (bytes <= 0) return 0;
        return Math.min(maxPluggedBytes, bytes / blockBytes * blockBytes);
    }

    /** A copy with what is plugged and requested now. */
    public HotplugMemory with(long plugged, long requested) {
        return new HotplugMemory(bootBytes, blockBytes, maxPluggedBytes, plugged, requested);
    }
}
