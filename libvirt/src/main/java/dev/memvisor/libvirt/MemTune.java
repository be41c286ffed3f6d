package dev.memvisor.libvirt;

import dev.memvisor.core.unit.Size;

/**
 * A domain's memory tuning ({@code <memtune>}, virDomainGet/SetMemoryParameters), which libvirt
 * carries out through the domain's own memory cgroup: {@code hard_limit} (v2 memory.max, v1
 * memory.limit_in_bytes), {@code soft_limit} (v2 memory.high, v1 memory.soft_limit_in_bytes),
 * {@code swap_hard_limit} (memory plus swap) and {@code min_guarantee} (which the QEMU driver
 * rejects: "Parameter 'min_guarantee' not supported by QEMU"; only VMware ESX and OpenVZ have it).
 * Source: https://libvirt.org/formatdomain.html#memory-tuning.
 * <p>
 * Read: each field is what libvirt reports, {@link #UNLIMITED}, or {@link #ABSENT} when the driver
 * does not report it. Write: {@link #ABSENT} leaves that parameter as it is.
 *
 * @param hardLimitBytes     the most the domain (QEMU included) may use
 * @param softLimitBytes     the domain is reclaimed down to this first when the host is short
 * @param swapHardLimitBytes the most memory plus swap
 * @param minGuaranteeBytes  the guaranteed minimum (not on QEMU)
 */
public record MemTune(long hardLimitBytes, long softLimitBytes, long swapHardLimitBytes, long minGuaranteeBytes) {
    /** No limit (libvirt's VIR_DOMAIN_MEMORY_PARAM_UNLIMITED). */
    public static final long UNLIMITED = Long.MAX_VALUE;
    /** Not reported (read) or left unchanged (write). */
    public static final long ABSENT = -1;
    /** Nothing set: the start of a write that changes only some parameters. */
    public static final MemTune UNCHANGED = new MemTune(ABSENT, ABSENT, ABSENT, ABSENT);

    /** Libvirt's names of the four parameters, in field order. */
    static final String[] NAMES = {"hard_limit", "soft_limit", "swap_hard_limit", "min_guarantee"};
    /** VIR_DOMAIN_MEMORY_PARAM_UNLIMITED, in KiB: 2^53 - 1. */
    static final long UNLIMITED_KIB = 9007199254740991L;

    /** Validates each field: a size >= 0, UNLIMITED or ABSENT. */
    public MemTune {
        long[] v = {hardLimitBytes, softLimitBytes, swapHardLimitBytes, minGuaranteeBytes};
        for (int i = 0; i < v.length; i++) {
            if (v[i] < ABSENT) throw new IllegalArgumentException("memtune " + NAMES[i] + ": " + v[i] + " is negative");
        }
    }

    /** A copy with this hard limit. */
    public MemTune withHardLimit(long bytes) { return new MemTune(bytes, softLimitBytes, swapHardLimitBytes, minGuaranteeBytes); }

    /** A copy with this soft limit. */
    public MemTune withSoftLimit(long bytes) { return new MemTune(hardLimitBytes, bytes, swapHardLimitBytes, minGuaranteeBytes); }

    /** A copy with this swap hard limit. */
    public MemTune withSwapHardLimit(long bytes) { return new MemTune(hardLimitBytes, softLimitBytes, bytes, minGuaranteeBytes); }

    /** A copy with this minimum guarantee. */
    public MemTune withMinGuarantee(long bytes) { return new MemTune(hardLimitBytes, softLimitBytes, swapHardLimitBytes, bytes); }

    /** The field for libvirt's parameter name {@code NAMES[i]}. */
    long get(int i) {
        switch (i) {
            case 0: return hardLimitBytes;
            case 1: return softLimitBytes;
            case 2: return swapHardLimitBytes;
            default: return minGuaranteeBytes;
        }
    }

    /** A copy with field {@code i} set. */
    MemTune with(int i, long bytes) {
        switch (i) {
            case 0: return withHardLimit(bytes);
            case 1: return withSoftLimit(bytes);
            case 2: return withSwapHardLimit(bytes);
            default: return withMinGuarantee(bytes);
        }
    }

    /** Bytes from libvirt's KiB, with its unlimited mark (or anything beyond what bytes can hold) as {@link #UNLIMITED}. */
    static long fromKib(long kib) {
        return kib < 0 || kib >= UNLIMITED_KIB || kib > Long.MAX_VALUE / 1024 ? UNLIMITED : kib * 1024;
    }

    /** Libvirt's KiB for a size in bytes (rounded up, so a limit never falls below what was asked) or {@link #UNLIMITED}. */
    static long toKib(long bytes) {
        return bytes == UNLIMITED ? UNLIMITED_KIB : (bytes + 1023) / 1024;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("memtune{");
        for (int i = 0; i < NAMES.length; i++) {
            long v = get(i);
            if (i > 0) b.append(", ");
            b.append(NAMES[i]).append('=').append(v == UNLIMITED ? "unlimited" : v == ABSENT ? "-" : Size.format(v));
        }
        return b.append('}').toString();
    }
}
