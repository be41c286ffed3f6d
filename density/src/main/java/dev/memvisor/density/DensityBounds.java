package dev.memvisor.density;

import java.util.Optional;

/**
 * The stopping rule, one place for the real and the simulated run: a step fails when a guest was
 * OOM-killed, the host swapped more than {@code hostSwapBytes} in and out during the window, or the
 * 95th percentile slowdown passed {@code slowdown}. Swap traffic, not swap occupancy: pages a host
 * swapped out once (a guest's boot, cold memory) and never reads again cost no guest anything; a
 * host that keeps swapping does (esxtop's SWR/s and SWW/s, not SWCUR).
 *
 * @param slowdown      the largest 95th percentile guest slowdown still admitted (default 1.2)
 * @param hostSwapBytes the most host swap traffic (in + out) in a window still admitted
 */
public record DensityBounds(double slowdown, long hostSwapBytes) {
    /** The percentile the rule reads. */
    public static final double PERCENTILE = 95;

    /** Validates. */
    public DensityBounds {
        if (!(slowdown >= 1)) throw new IllegalArgumentException("slowdown bound: got " + slowdown + ", expected a number >= 1");
        if (hostSwapBytes < 0) throw new IllegalArgumentException("host swap bound: got " + hostSwapBytes + ", expected >= 0");
    }

    /** Why this step stops the run, or empty when it admits its guests (OOM first, then host swap, then slowdown). */
    public Optional<StopReason> check(StepResult step) {
        if (step.anyOom()) return Optional.of(StopReason.OOM);
        if (step.hostSwapTrafficBytes() > hostSwapBytes) return Optional.of(StopReason.HOST_SWAP);
        if (step.percentile(PERCENTILE) > slowdown) return Optional.of(StopReason.SLOWDOWN);
        return Optional.empty();
    }
}
