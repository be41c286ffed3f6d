package dev.memvisor.core.policy;

import dev.memvisor.core.model.HotplugMemory;
import dev.memvisor.core.model.VmView;

/**
 * How the memory a policy wants a guest to see becomes a plugged size and a balloon. Without a
 * virtio-mem device the balloon holds the rest of the configured memory. With one, memory beyond what
 * is plugged is hot-added in whole blocks (the only way to grow past it), and memory to give back is
 * either ballooned (the device keeps what it was asked to plug) or unplugged in whole blocks with the
 * balloon holding the remainder of less than a block. Sources: Hyper-V Dynamic Memory (hot-add to grow),
 * QEMU docs/system/devices/virtio-mem.rst (block granularity; QEMU's balloon works within the boot memory).
 *
 * @param pluggedBytes the plugged size to ask for, or {@link dev.memvisor.core.model.VmPlan#KEEP} without a device
 * @param balloonBytes the balloon that brings the guest down to the memory wanted
 */
public record MemorySplit(long pluggedBytes, long balloonBytes) {

    /**
     * The split that lets the guest of {@code vm} see {@code visibleBytes}.
     *
     * @param unplug whether memory to give back is unplugged (whole blocks) rather than ballooned
     */
    public static MemorySplit of(VmView vm, long visibleBytes, boolean unplug) {
        HotplugMemory h = vm.hotplug();
        if (h == null) return new MemorySplit(dev.memvisor.core.model.VmPlan.KEEP, Math.max(0, vm.settings().configuredBytes() - visibleBytes));
        long least = h.roundUp(visibleBytes - h.bootBytes());
        long plugged = unplug ? least : Math.max(h.requestedBytes(), least);
        return new MemorySplit(plugged, Math.max(0, h.bootBytes() + plugged - visibleBytes));
    }
}
