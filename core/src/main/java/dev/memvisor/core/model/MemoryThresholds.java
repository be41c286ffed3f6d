package dev.memvisor.core.model;

import dev.memvisor.core.InvalidSettingException;

/**
 * Free-memory thresholds, as fractions of machine memory, below which the host enters the soft,
 * hard and low states; at or above {@code high} it is back in the high state.
 * Defaults are classic ESX: 6 %, 4 %, 2 %, 1 % (Waldspurger, OSDI 2002).
 *
 * @param high free fraction to return to the high state
 * @param soft free fraction below which ballooning starts
 * @param hard free fraction below which swapping and compression start
 * @param low  free fraction below which VMs above target are blocked
 */
public record MemoryThresholds(double high, double soft, double hard, double low) {

    /** Classic ESX thresholds: 6 %, 4 %, 2 %, 1 %. */
    public static final MemoryThresholds ESX_DEFAULT = new MemoryThresholds(0.06, 0.04, 0.02, 0.01);

    /** Validates 0 < low < hard < soft < high < 1. */
    public MemoryThresholds {
        check("thresholds.low", low, 0, hard, "above 0 and below thresholds.hard (" + hard + ")");
        check("thresholds.hard", hard, low, soft, "above thresholds.low (" + low + ") and below thresholds.soft (" + soft + ")");
        check("thresholds.soft", soft, hard, high, "above thresholds.hard (" + hard + ") and below thresholds.high (" + high + ")");
        check("thresholds.high", high, soft, 1, "above thresholds.soft (" + soft + ") and below 1");
    }

    private static void check(String field, double v, double above, double below, String allowed) {
        if (!(v > above && v < below)) throw new InvalidSettingException(field, v, allowed);
    }
}
