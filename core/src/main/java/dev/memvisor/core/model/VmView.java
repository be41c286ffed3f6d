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
 */
public record VmView(VmSettings settings, long grantedBytes, long consumedBytes, long balloonBytes,
                     long swappedBytes, long compressedBytes, long activeBytes,
                     long guestFreeBytes, long guestUsedBytes) {

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
    }

    private static void requireObserved(String field, long v) {
        if (v < 0) throw new IllegalArgumentException(field + " must be >= 0, got " + v);
    }

    /** The VM's name. */
    public String name() { return settings.name(); }

    /** Memory the guest can currently use: its configured size less the balloon. */
    public long visibleBytes() { return settings.configuredBytes() - balloonBytes; }

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
