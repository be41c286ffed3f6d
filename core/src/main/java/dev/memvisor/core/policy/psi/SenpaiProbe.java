package dev.memvisor.core.policy.psi;

import dev.memvisor.core.policy.PolicyConfig;
import dev.memvisor.core.unit.Size;

import java.util.Locale;

/**
 * One VM's memory limit, probed down while its memory pressure stays under a target and backed off
 * when it rises, as Meta's senpai sizes a cgroup (facebookincubator/senpai, senpai.py, {@code Senpai.tick}):
 * the stall time (PSI "some" total) since the last adjustment is integrated; above the target it backs
 * off at once by {@code min((err / coeff_backoff)^2 x max_backoff, max_backoff)} of the limit, err =
 * integral / target; otherwise, once an interval has passed since the last adjustment, it probes down by
 * {@code min((err / coeff_probe)^2 x max_probe, max_probe)}, err = target / max(integral, 1 us). Each
 * adjustment restarts the integral. Senpai ticks every second and probes every {@code interval} ticks;
 * here a tick is a decision of the control loop, so back-offs come at the next decision. Time and the
 * stall total come in as arguments; the limit stays within [floor, ceiling] as senpai's min/max size.
 */
final class SenpaiProbe {
    private final PolicyConfig config;
    private long limit;
    private long lastStallMicros;
    private long integralMicros;
    private long lastAdjustMillis;
    private String last = "";

    /** A probe starting at {@code startBytes} (senpai: the cgroup's memory.current; PsiPolicy: the VM's ceiling) with the stall total seen now. */
    SenpaiProbe(PolicyConfig config, long startBytes, long stallMicros, long nowMillis) {
        this.config = config;
        this.limit = startBytes;
        this.lastStallMicros = stallMicros;
        this.lastAdjustMillis = nowMillis;
        this.last = "probe starts at " + Size.format(startBytes);
    }

    /** The stall total seen last (a smaller one means the VM's process restarted). */
    long lastStallMicros() { return lastStallMicros; }

    /**
     * One tick: integrates the stall since the last tick and adjusts the limit if due.
     *
     * @return the limit within [floor, ceiling]
     */
    long tick(long stallMicros, long nowMillis, long floor, long ceiling) {
        integralMicros += Math.max(0, stallMicros - lastStallMicros);
        lastStallMicros = stallMicros;
        double target = Math.max(1, config.psiStallTarget().toNanos() / 1000.0);
        if (integralMicros > target) {
            // back off exponentially as the pressure deviates from the target
            double err = integralMicros / target;
            double adj = Math.min(Math.pow(err / config.psiCoeffBackoff(), 2) * config.psiMaxBackoff(), config.psiMaxBackoff());
            last = String.format(Locale.ROOT, "stall %s over target %s: back off +%.2f%%", micros(integralMicros), micros((long) target), 100 * adj);
            adjust(adj, nowMillis);
        } else if (nowMillis - lastAdjustMillis >= config.psiInterval().toMillis()) {
            // tighten, more aggressively the further the pressure is under the target
            double err = target / Math.max(integralMicros, 1);
            double adj = Math.min(Math.pow(err / config.psiCoeffProbe(), 2) * config.psiMaxProbe(), config.psiMaxProbe());
            last = String.format(Locale.ROOT, "stall %s under target %s: probe -%.2f%%", micros(integralMicros), micros((long) target), 100 * adj);
            adjust(-adj, nowMillis);
        }
        // page-aligned, as senpai writes memory.high
        limit = Math.max(floor, Math.min(ceiling, limit & ~4095L));
        return limit;
    }

    private void adjust(double factor, long nowMillis) {
        limit = (long) (limit + limit * factor);
        integralMicros = 0;
        lastAdjustMillis = nowMillis;
    }

    /** The last adjustment, for the plan's reason. */
    String lastAdjustment() { return last; }

    private static String micros(long us) {
        return us >= 1000 ? String.format(Locale.ROOT, "%.1f ms", us / 1000.0) : us + " us";
    }
}
