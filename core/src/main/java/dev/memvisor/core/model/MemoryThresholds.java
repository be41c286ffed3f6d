package dev.memvisor.core.model;

import dev.memvisor.core.InvalidSettingException;
import dev.memvisor.core.settings.Setting;

/**
 * Free-memory thresholds, as fractions of machine memory: below {@code clear} (when set), {@code soft},
 * {@code hard} and {@code low} the host enters the clear, soft, hard and low states; it climbs back a
 * state only once free memory reaches the threshold of the state above, {@code high} for the top one.
 * Defaults are classic ESX: 6 %, 4 %, 2 %, 1 %, no clear state (Waldspurger, OSDI 2002); ESXi 6's five
 * states scale all five from minFree ({@link dev.memvisor.core.state.MemoryStateModel#ESXI6}).
 *
 * @param high  free fraction to return to the high state
 * @param clear free fraction below which the host is in the clear state (ESXi 6); 0: no clear state
 * @param soft  free fraction below which ballooning starts
 * @param hard  free fraction below which swapping and compression start
 * @param low   free fraction below which VMs above target are blocked
 */
public record MemoryThresholds(
        @Setting(value = "free fraction at or above which the host is back in the high state (sharing only)", range = "(0, 1)",
                source = "Waldspurger, OSDI 2002 (6 %)")
        double high,
        @Setting(value = "free fraction below which the host is in the clear state (sharing only, actively); above soft, below high",
                range = "(0, 1)", zero = "no clear state (classic ESX's four states)",
                source = "ESXi 6.0: 100 % of minFree (Epping, \"What happens at which vSphere memory state?\", 2015)")
        double clear,
        @Setting(value = "free fraction below which ballooning starts; above hard, below clear (or high)", range = "(0, 1)",
                source = "Waldspurger, OSDI 2002 (4 %)")
        double soft,
        @Setting(value = "free fraction below which compression and hypervisor swapping start; above low, below soft", range = "(0, 1)",
                source = "Waldspurger, OSDI 2002 (2 %)")
        double hard,
        @Setting(value = "free fraction below which VMs above their target are blocked; below hard", range = "(0, 1)",
                source = "Waldspurger, OSDI 2002 (1 %)")
        double low) {

    /** Classic ESX thresholds: 6 %, 4 %, 2 %, 1 %, no clear state. */
    public static final MemoryThresholds ESX_DEFAULT = new MemoryThresholds(0.06, 0.04, 0.02, 0.01);

    /** Four states (no clear state): high, soft, hard and low. */
    public MemoryThresholds(double high, double soft, double hard, double low) {
        this(high, 0, soft, hard, low);
    }

    /** Validates 0 < low < hard < soft < clear < high < 1 (clear may be 0: no clear state). */
    public MemoryThresholds {
        check("thresholds.low", low, 0, hard, "above 0 and below thresholds.hard (" + hard + ")");
        check("thresholds.hard", hard, low, soft, "above thresholds.low (" + low + ") and below thresholds.soft (" + soft + ")");
        double aboveSoft = clear > 0 ? clear : high;
        check("thresholds.soft", soft, hard, aboveSoft, "above thresholds.hard (" + hard + ") and below thresholds."
                + (clear > 0 ? "clear" : "high") + " (" + aboveSoft + ")");
        if (clear != 0) check("thresholds.clear", clear, soft, high, "0 (no clear state), or above thresholds.soft (" + soft
                + ") and below thresholds.high (" + high + ")");
        double belowHigh = clear > 0 ? clear : soft;
        check("thresholds.high", high, belowHigh, 1, "above thresholds." + (clear > 0 ? "clear" : "soft") + " (" + belowHigh + ") and below 1");
    }

    /** Whether there is a clear state between high and soft. */
    public boolean hasClear() { return clear > 0; }

    private static void check(String field, double v, double above, double below, String allowed) {
        if (!(v > above && v < below)) throw new InvalidSettingException(field, v, allowed);
    }
}
