package dev.memvisor.core.policy;

import dev.memvisor.core.model.HostView;

/**
 * The page-sharing scan rate a policy asks for, scaled with the memory there is to scan as ksmtuned
 * scales KSM's: ksmtuned sleeps {@code KSM_SLEEP_MSEC} (10 ms) x 16 GiB / MemTotal between wake-ups
 * of at least {@code KSM_NPAGES_MIN} (64) pages, so at its slowest one pass over the host's memory
 * takes 16 GiB / 4 KiB / (64 pages / 10 ms) = 655 s on any host (ksmtuned/ksmtuned, src/ksmtuned.sh.in).
 * Here the rate is machine memory in pages / {@link PolicyConfig#sharingScanPassSeconds()}, and never
 * below {@link PolicyConfig#sharingScanPagesPerSecond()} (ESX 2/3's fixed 200 pages/s); a pass time of
 * 0 keeps that fixed rate. A fixed rate alone falls behind as hosts grow: 200 pages/s needs 22 minutes
 * for one pass over 1 GiB of guests, and KSM merges a page only when a later pass finds it unchanged.
 */
public final class SharingScanRate {
    /** The default pass time: ksmtuned's slowest setting, 64 pages every 10 ms for 16 GiB. */
    public static final long DEFAULT_PASS_SECONDS = 655;

    private static final long PAGE = 4096;

    private SharingScanRate() {}

    /** Pages per second the scanner should visit on this host. */
    public static long pagesPerSecond(PolicyConfig config, HostView view) {
        long fixed = config.sharingScanPagesPerSecond();
        long pass = config.sharingScanPassSeconds();
        if (pass == 0) return fixed;
        long pages = view.machineBytes() / PAGE;
        return Math.max(fixed, (pages + pass - 1) / pass);
    }
}
