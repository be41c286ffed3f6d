package dev.memvisor.sim.migration;

/**
 * The migration machinery's settings. Bandwidths in bytes per second, times in microseconds.
 *
 * @param bandwidth          rate limit of the live rounds (QEMU {@code max-bandwidth})
 * @param stopCopyBandwidth  rate of the stop-and-copy phase; QEMU does not rate-limit it, so it runs at the link's speed
 * @param downtimeLimitMicros stop when what is left can be sent within this at {@code bandwidth} (QEMU {@code downtime-limit})
 * @param pageHeaderBytes    bytes sent with every page besides its 4 KiB (QEMU: an 8-byte offset and flags)
 * @param zeroPageBytes      bytes a zero page costs (QEMU: the header and one byte)
 * @param maxIterations      cap on dirty-bitmap syncs; when reached the model stops and copies whatever is left
 * @param syncIntervalMicros at most one dirty-bitmap sync per this much time while the loop runs (QEMU iterates in 100 ms windows)
 * @param stopOverheadMicros fixed part of the downtime (device state, switch-over)
 * @param balloonRate        how fast balloon-first inflates the balloon before migrating
 * @param headroomBytes      balloon-first leaves in-use memory plus this much; -1 = 1/16 of the guest's RAM (as {@code memvisor migrate})
 */
public record PreCopyParams(double bandwidth, double stopCopyBandwidth, long downtimeLimitMicros, int pageHeaderBytes,
                            int zeroPageBytes, int maxIterations, long syncIntervalMicros, long stopOverheadMicros,
                            double balloonRate, long headroomBytes) {
    private static final double MIB = 1024.0 * 1024.0;

    /** Checks each setting and throws naming the first that is out of range. */
    public PreCopyParams {
        if (!(bandwidth > 0) || Double.isInfinite(bandwidth)) throw new IllegalArgumentException("bandwidth: got " + bandwidth + " bytes/s, expected > 0");
        if (!(stopCopyBandwidth >= bandwidth) || Double.isInfinite(stopCopyBandwidth)) {
            throw new IllegalArgumentException("stop-copy bandwidth: got " + stopCopyBandwidth + " bytes/s, expected >= the bandwidth (" + bandwidth + ")");
        }
        if (downtimeLimitMicros < 0) throw new IllegalArgumentException("downtime limit: got " + downtimeLimitMicros + " us, expected >= 0");
        if (pageHeaderBytes < 0 || zeroPageBytes < 0) throw new IllegalArgumentException("page header / zero page bytes: expected >= 0");
        if (maxIterations < 2) throw new IllegalArgumentException("max iterations: got " + maxIterations + ", expected >= 2");
        if (syncIntervalMicros < 0 || stopOverheadMicros < 0) throw new IllegalArgumentException("sync interval / stop overhead: expected >= 0");
        if (!(balloonRate > 0)) throw new IllegalArgumentException("balloon rate: got " + balloonRate + " bytes/s, expected > 0");
        if (headroomBytes < -1) throw new IllegalArgumentException("headroom: got " + headroomBytes + ", expected >= 0 (or -1 for RAM/16)");
    }

    /**
     * QEMU's defaults: 128 MiB/s (MAX_THROTTLE), 300 ms downtime limit (DEFAULT_MIGRATE_SET_DOWNTIME),
     * 8-byte page headers, zero pages as 9-byte markers (migration/ram.c, migration/options.c); the
     * stop-and-copy at the same rate; 30 iterations at most (Clark et al., NSDI 2005); no fixed downtime;
     * balloon inflation at 1 GiB/s.
     */
    public static PreCopyParams qemuDefaults() {
        return new PreCopyParams(128 * MIB, 128 * MIB, 300_000, 8, 9, 30, 100_000, 0, 1024 * MIB, -1);
    }

    /** The same with another live-round bandwidth (the stop-and-copy rate rises with it if it was lower). */
    public PreCopyParams withBandwidth(double bytesPerSecond) {
        return new PreCopyParams(bytesPerSecond, Math.max(stopCopyBandwidth, bytesPerSecond), downtimeLimitMicros, pageHeaderBytes,
                zeroPageBytes, maxIterations, syncIntervalMicros, stopOverheadMicros, balloonRate, headroomBytes);
    }

    /** The same with another stop-and-copy rate. */
    public PreCopyParams withStopCopyBandwidth(double bytesPerSecond) {
        return new PreCopyParams(bandwidth, bytesPerSecond, downtimeLimitMicros, pageHeaderBytes, zeroPageBytes, maxIterations,
                syncIntervalMicros, stopOverheadMicros, balloonRate, headroomBytes);
    }

    /** The same with another downtime limit. */
    public PreCopyParams withDowntimeLimitMicros(long micros) {
        return new PreCopyParams(bandwidth, stopCopyBandwidth, micros, pageHeaderBytes, zeroPageBytes, maxIterations,
                syncIntervalMicros, stopOverheadMicros, balloonRate, headroomBytes);
    }

    /** The same with another per-page header; a zero page costs the header and one byte, as in QEMU. */
    public PreCopyParams withPageHeaderBytes(int bytes) {
        return new PreCopyParams(bandwidth, stopCopyBandwidth, downtimeLimitMicros, bytes, bytes + 1, maxIterations,
                syncIntervalMicros, stopOverheadMicros, balloonRate, headroomBytes);
    }

    /** The same with another balloon-first headroom (-1 = 1/16 of the guest's RAM). */
    public PreCopyParams withHeadroomBytes(long bytes) {
        return new PreCopyParams(bandwidth, stopCopyBandwidth, downtimeLimitMicros, pageHeaderBytes, zeroPageBytes, maxIterations,
                syncIntervalMicros, stopOverheadMicros, balloonRate, bytes);
    }

    /** The same with another iteration cap. */
    public PreCopyParams withMaxIterations(int n) {
        return new PreCopyParams(bandwidth, stopCopyBandwidth, downtimeLimitMicros, pageHeaderBytes, zeroPageBytes, n,
                syncIntervalMicros, stopOverheadMicros, balloonRate, headroomBytes);
    }

    /** The same with another balloon inflation rate. */
    public PreCopyParams withBalloonRate(double bytesPerSecond) {
        return new PreCopyParams(bandwidth, stopCopyBandwidth, downtimeLimitMicros, pageHeaderBytes, zeroPageBytes, maxIterations,
                syncIntervalMicros, stopOverheadMicros, bytesPerSecond, headroomBytes);
    }
}
