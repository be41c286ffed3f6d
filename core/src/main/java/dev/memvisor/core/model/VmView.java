package dev.memvisor.core.model;

import java.util.Objects;

/**
 * What one VM looks like at a decision point, in bytes. Both the simulator and the real manager
 * build it; a field the backend cannot observe is {@link #UNKNOWN}.
 *
 * @param settings        the VM's configured size, reservation, limit, shares and ballooning
 * @param grantedBytes    guest-physical memory currently backed by machine memory (esxtop GRANT)
 * @param consumedBytes   machine memory the VM costs, after page-sharing savings (CONSUMED)
 * @param balloonBytes    current balloon size (MCTLSZ)
 * @param swappedBytes    memory swapped out by the hypervisor (SWCUR)
 * @param compressedBytes guest memory held compressed by the hypervisor (ZIP, uncompressed size)
 * @param activeBytes     estimated active memory (ACTV)
 * @param guestFreeBytes  memory the guest itself reports free, or UNKNOWN
 * @param guestUsedBytes  memory the guest itself has in use (committed), or UNKNOWN
 * @param hotplug         the VM's hot-pluggable memory (a virtio-mem device), or null when it has none; with
 *                        one, the guest has its boot memory plus what is plugged, less the balloon
 * @param memoryStallMicros the time some of the VM's threads stalled waiting for host memory, microseconds
 *                        since an arbitrary start and never decreasing while the VM lives (Linux PSI's "some"
 *                        total of its QEMU's cgroup; the simulator's fault stalls), or UNKNOWN
 */
public record VmView(VmSettings settings, long grantedBytes, long consumedBytes, long balloonBytes,
                     long swappedBytes, long compressedBytes, long activeBytes,
                     long guestFreeBytes, long guestUsedBytes, HotplugMemory hotplug, long memoryStallMicros) {

    /** Marks a quantity the backend could not observe. */
    public static final long UNKNOWN = -1;

    /** Validates that every observed quantity is non-negative. */
    public VmView {
        Objects.requireNonNull(settings, "settings");
        requireObserved("grantedBytes", grantedBytes);
        requireObserved("consumedBytes", consumedBytes);
        requireObserved("balloonBytes", balloonBytes);
        requireObserved("swappedBytes", swappedBytes);
        requireObserved("compressedBytes", compressedBytes);
        requireObserved("activeBytes", activeBytes);
        if (guestFreeBytes < UNKNOWN) throw new IllegalArgumentException("guestFreeBytes: " + guestFreeBytes);
        if (guestUsedBytes < UNKNOWN) throw new IllegalArgumentException("guestUsedBytes: " + guestUsedBytes);
        if (memoryStallMicros < UNKNOWN) throw new IllegalArgumentException("memoryStallMicros: " + memoryStallMicros);
    }

    /** A VM without hot-pluggable memory whose memory pressure is not observed. */
    public VmView(VmSettings settings, long grantedBytes, long consumedBytes, long balloonBytes, long swappedBytes,
                  long compressedBytes, long activeBytes, long guestFreeBytes, long guestUsedBytes) {
        this(settings, grantedBytes, consumedBytes, balloonBytes, swappedBytes, compressedBytes, activeBytes,
                guestFreeBytes, guestUsedBytes, null, UNKNOWN);
    }

    /** A copy with this hot-pluggable memory (null: none). */
    public VmView withHotplug(HotplugMemory h) {
        return new VmView(settings, grantedBytes, consumedBytes, balloonBytes, swappedBytes, compressedBytes, activeBytes,
                guestFreeBytes, guestUsedBytes, h, memoryStallMicros);
    }

    /** A copy with this memory stall total (UNKNOWN: not observed). */
    public VmView withMemoryStallMicros(long micros) {
        return new VmView(settings, grantedBytes, consumedBytes, balloonBytes, swappedBytes, compressedBytes, activeBytes,
                guestFreeBytes, guestUsedBytes, hotplug, micros);
    }

    private static void requireObserved(String field, long v) {
        if (v < 0) throw new IllegalArgumentException(field + " must be >= 0, got " + v);
    }

    /** The VM's name. */
    public String name() { return settings.name(); }

    /** Memory present in the guest before the balloon: its configured size, or with a virtio-mem device its boot memory and what is plugged. */
    public long presentBytes() { return hotplug == null ? settings.configuredBytes() : hotplug.presentBytes(); }

    /** Memory the guest can currently use: what is present less the balloon. */
    public long visibleBytes() { return presentBytes() - balloonBytes; }

    /** What the guest does not see of its configured size: the balloon, and with a virtio-mem device what is not plugged. */
    public long withheldBytes() { return Math.max(0, settings.configuredBytes() - visibleBytes()); }

    /** Active fraction of the granted memory in [0, 1]; 0 for a VM with nothing granted. */
    public double activeFraction() {
        if (grantedBytes <= 0) return 0;
        return Math.min(1.0, (double) activeBytes / grantedBytes);
    }

    /** A view of a VM that holds all its configured memory with the given active bytes, as at start-up. */
    public static VmView fresh(VmSettings settings, long activeBytes) {
        long c = settings.configuredBytes();
        return new VmView(settings, c, c, 0, 0, 0, activeBytes, UNKNOWN, UNKNOWN);
    }
}
