package dev.memvisor.measure.esxtop;

import dev.memvisor.measure.ValueRange;

/**
 * The host memory states of ESXi 6.0 and later, in the order esxtop numbers them in its batch export's
 * {@code Memory\Kernel State} counter (0 high, 1 clear, 2 soft, 3 hard, 4 low; core's HostMemoryState in
 * the same order), with their free-memory thresholds as fractions of minFree (Duncan Epping, "What happens
 * at which vSphere memory state?", Yellow Bricks, 2015: high 400 %, clear 100 %, soft 64 %, hard 32 %, low
 * 16 % of minFree; "clear" is new in 6.0, where ESXi 5.x numbered high, soft, hard, low from 0). As core's
 * {@code MemoryStateModel.ESXI6} reads them: a state is entered when free memory falls below its threshold
 * and left upward only when free memory reaches the threshold of the state above (400 % back to high).
 *
 * <p>The one place measure maps Kernel State.
 */
public enum EsxtopMemoryState {
    /** Never below 100 % of minFree, or back at 400 %: large pages are broken below 400 %, nothing is reclaimed. */
    HIGH(4.00, "high"),
    /** Below 100 % of minFree: large pages broken and page sharing called actively. */
    CLEAR(1.00, "clear"),
    /** Below 64 %: page sharing and ballooning. */
    SOFT(0.64, "soft"),
    /** Below 32 %: compression and host swapping (the balloon stops). */
    HARD(0.32, "hard"),
    /** Below 16 %: compression, swapping, and VMs above target are blocked. */
    LOW(0.16, "low");

    /** The values Kernel State can take: whole numbers from 0 (high) to 4 (low). */
    public static final ValueRange KERNEL_STATE = new ValueRange(0, 4, true, "a memory state from 0 (high) to 4 (low)");

    private final double minFreeFraction;
    private final String id;

    EsxtopMemoryState(double minFreeFraction, String id) {
        this.minFreeFraction = minFreeFraction;
        this.id = id;
    }

    /** The free memory, as a fraction of minFree, below which the host enters this state (for high: at which it returns to it). */
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

    /**
     * The state free memory of {@code freeOverMinFree} x minFree puts a host in that came from high, without
     * ESXi's hysteresis (which keeps a host that fell lower one state worse until it reaches the next threshold up).
     */
    public static EsxtopMemoryState ofFreeFraction(double freeOverMinFree) {
        for (int i = values().length - 1; i > 0; i--) if (freeOverMinFree < values()[i].minFreeFraction) return values()[i];
        return HIGH;
    }
}
