package dev.memvisor.measure.esxtop;

import dev.memvisor.measure.ValueRange;

/**
 * The host memory states of ESXi 6.0 and later, in the order esxtop numbers them in its batch export's
 * {@code Memory\Kernel State} counter (0 high, 1 clear, 2 soft, 3 hard, 4 low), with the free-memory
 * thresholds, as fractions of minFree, at which each begins (Duncan Epping, "What happens at which vSphere
 * memory state?", Yellow Bricks, 2015: high 400 %, clear 100 %, soft 64 %, hard 32 %, low 16 % of minFree;
 * "clear" is new in 6.0, where ESXi 5.x numbered high, soft, hard, low from 0).
 *
 * <p>The one place measure maps Kernel State; core's HostMemoryState has the four classic states.
 */
public enum EsxtopMemoryState {
    /** Free memory at or above 400 % of minFree: nothing is reclaimed. */
    HIGH(4.00, "high"),
    /** 100-400 % of minFree: large pages are broken up and page sharing runs. */
    CLEAR(1.00, "clear"),
    /** 64-100 %: page sharing and ballooning. */
    SOFT(0.64, "soft"),
    /** 32-64 %: compression and host swapping (the balloon stops). */
    HARD(0.32, "hard"),
    /** Below 32 % (16 % is the low state's own threshold): VMs above target are also blocked. */
    LOW(0.16, "low");

    /** The values Kernel State can take: whole numbers from 0 (high) to 4 (low). */
    public static final ValueRange KERNEL_STATE = new ValueRange(0, 4, true, "a memory state from 0 (high) to 4 (low)");

    private final double minFreeFraction;
    private final String id;

    EsxtopMemoryState(double minFreeFraction, String id) {
        this.minFreeFraction = minFreeFraction;
        this.id = id;
    }

    /** The free memory, as a fraction of minFree, at or above which the host is in this state (or a better one). */
    public double minFreeFraction() { return minFreeFraction; }

    /** The name esxtop shows, e.g. {@code clear}. */
    public String id() { return id; }

    /** The value of esxtop's Kernel State for this state. */
    public int kernelState() { return ordinal(); }

    /** The state esxtop's Kernel State {@code value} stands for, null if it is NaN or not 0-4. */
    public static EsxtopMemoryState ofKernelState(double value) {
        if (Double.isNaN(value) || value != Math.rint(value) || value < 0 || value >= values().length) return null;
        return values()[(int) value];
    }

    /** The state free memory of {@code freeOverMinFree} x minFree falls in, without ESXi's hysteresis. */
    public static EsxtopMemoryState ofFreeFraction(double freeOverMinFree) {
        for (EsxtopMemoryState s : values()) if (s != LOW && freeOverMinFree >= s.minFreeFraction) return s;
        return LOW;
    }
}
