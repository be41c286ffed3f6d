package dev.memvisor.core.model;

import dev.memvisor.core.InvalidSettingException;
import dev.memvisor.core.settings.Setting;

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
public record MemoryThresholds(
        @Setting(value = "free fraction at or above which the host is back in the high state (sharing only)", range = "(0, 1)",
                source = "Waldspurger, OSDI 2002 (6 %)")
        double high,
        @Setting(value = "free fraction below which ballooning starts; above hard, below high", range = "(0, 1)",
                source = "Waldspurger, OSDI 2002 (4 %)")
        double soft,
        @Setting(value = "free fraction below which compression and hypervisor swapping start; above low, below soft", range = "(0, 1)",
                source = "Waldspurger, OSDI 2002 (2 %)")
        double hard,
        @Setting(value = "free fraction below which VMs above their target are blocked; below hard", range = "(0, 1)",
                source = "Waldspurger, OSDI 2002 (1 %)")
        double low) {

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
