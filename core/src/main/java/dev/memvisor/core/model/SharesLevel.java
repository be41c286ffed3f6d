package dev.memvisor.core.model;

/** ESX's named share levels, in shares per configured MiB. */
public enum SharesLevel {
    /** 5 shares per configured MiB. */
    LOW(5),
    /** 10 shares per configured MiB, the default. */
    NORMAL(10),
    /** 20 shares per configured MiB. */
    HIGH(20);

    private final int perMib;

    SharesLevel(int perMib) { this.perMib = perMib; }

    /** Shares per configured MiB. */
    public int perMib() { return perMib; }

    /** The shares a VM of this configured size gets at this level (at least 1). */
    public long sharesFor(long configuredBytes) {
        return Math.max(1, configuredBytes / dev.memvisor.core.unit.Size.MIB * perMib);
    }
}
