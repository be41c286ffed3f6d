package dev.memvisor.core.policy;

import dev.memvisor.core.InvalidSettingException;
import dev.memvisor.core.model.MemoryThresholds;
import dev.memvisor.core.unit.Size;

/**
 * Every policy parameter with its default, in one place (the reference configuration). A run
 * overrides only what it changes through {@link #builder()}. Field names match the scenario file's
 * {@code host.policy.*} keys.
 *
 * @param idleTax                    ESX idle memory tax rate tau in [0, 1); idle pages cost k = 1/(1-tau)
 * @param thresholds                 host memory state thresholds
 * @param maxBalloonFraction         the most of a VM's configured memory a balloon may hold (ESX: 65 %)
 * @param sharingScanPagesPerSecond  page-sharing scan rate for the whole host (ESX 2/3: 200 pages/s); with
 *                                   {@code sharingScanPassSeconds} the least rate ({@link SharingScanRate})
 * @param sharingScanPassSeconds     the longest one scan pass over the host's machine memory may take: the rate grows with
 *                                   machine memory as ksmtuned's does (default 655 s, ksmtuned's slowest setting); 0 = a fixed rate
 * @param hypervBufferPercent        Hyper-V memory buffer, % of committed memory kept free in each VM (default 20)
 * @param proxmoxTargetUsedFraction  Proxmox auto-ballooning host target: fraction of host memory used (0.8)
 * @param proxmoxMaxStepBytes        Proxmox: the most one VM's balloon moves in one step (100 MiB)
 * @param proxmoxDeadbandBytes       Proxmox: no change when the goal is within this of the current size (10 MiB)
 * @param momPressureThreshold       oVirt MOM: host free fraction under which guests are shrunk (0.20)
 * @param momStepFraction            oVirt MOM: how much a guest shrinks or grows per step (0.05)
 * @param momMinGuestFreeFraction    oVirt MOM: free memory a shrunk guest keeps, as a fraction of its size (0.20)
 * @param momMinChangeFraction       oVirt MOM: changes smaller than this fraction are ignored (0.0025)
 * @param momPressureCritical        oVirt MOM: host free fraction at or under which guests are squeezed below their free reserve (0.05)
 */
public record PolicyConfig(double idleTax, MemoryThresholds thresholds, double maxBalloonFraction,
                           long sharingScanPagesPerSecond, int hypervBufferPercent,
                           double proxmoxTargetUsedFraction, long proxmoxMaxStepBytes, long proxmoxDeadbandBytes,
                           double momPressureThreshold, double momStepFraction, double momMinGuestFreeFraction,
                           double momMinChangeFraction, double momPressureCritical, long sharingScanPassSeconds) {

    /** Validates every field; the message names the field, its value and the allowed range. */
    public PolicyConfig {
        if (!(idleTax >= 0 && idleTax < 1)) throw new InvalidSettingException("idleTax", idleTax, "a number in [0, 1)");
        if (thresholds == null) throw new InvalidSettingException("thresholds", null, "high, soft, hard and low fractions");
        fraction("maxBalloonFraction", maxBalloonFraction, false);
        if (sharingScanPagesPerSecond < 0) throw new InvalidSettingException("sharingScanPagesPerSecond", sharingScanPagesPerSecond, "a number >= 0");
        if (hypervBufferPercent < 5 || hypervBufferPercent > 2000) throw new InvalidSettingException("hypervBufferPercent", hypervBufferPercent, "an integer in [5, 2000] (Hyper-V's range)");
        fraction("proxmoxTargetUsedFraction", proxmoxTargetUsedFraction, false);
        if (proxmoxMaxStepBytes <= 0) throw new InvalidSettingException("proxmoxMaxStepBytes", proxmoxMaxStepBytes, "a size > 0");
        if (proxmoxDeadbandBytes < 0) throw new InvalidSettingException("proxmoxDeadbandBytes", proxmoxDeadbandBytes, "a size >= 0");
        fraction("momPressureThreshold", momPressureThreshold, false);
        fraction("momStepFraction", momStepFraction, false);
        fraction("momMinGuestFreeFraction", momMinGuestFreeFraction, true);
        fraction("momMinChangeFraction", momMinChangeFraction, true);
        fraction("momPressureCritical", momPressureCritical, true);
        if (sharingScanPassSeconds < 0) throw new InvalidSettingException("sharingScanPassSeconds", sharingScanPassSeconds, "a number of seconds >= 0 (0 = a fixed rate)");
    }

    /** The configuration without {@code momPressureCritical} (kept for callers written before it existed; it defaults to 0.05). */
    public PolicyConfig(double idleTax, MemoryThresholds thresholds, double maxBalloonFraction,
                        long sharingScanPagesPerSecond, int hypervBufferPercent,
                        double proxmoxTargetUsedFraction, long proxmoxMaxStepBytes, long proxmoxDeadbandBytes,
                        double momPressureThreshold, double momStepFraction, double momMinGuestFreeFraction,
                        double momMinChangeFraction) {
        this(idleTax, thresholds, maxBalloonFraction, sharingScanPagesPerSecond, hypervBufferPercent,
                proxmoxTargetUsedFraction, proxmoxMaxStepBytes, proxmoxDeadbandBytes, momPressureThreshold,
                momStepFraction, momMinGuestFreeFraction, momMinChangeFraction, 0.05, SharingScanRate.DEFAULT_PASS_SECONDS);
    }

    private static void fraction(String field, double v, boolean zeroAllowed) {
        boolean ok = zeroAllowed ? v >= 0 && v < 1 : v > 0 && v <= 1;
        if (!ok) throw new InvalidSettingException(field, v, zeroAllowed ? "a fraction in [0, 1)" : "a fraction in (0, 1]");
    }

    /** All defaults. */
    public static PolicyConfig defaults() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.idleTax = idleTax; b.thresholds = thresholds; b.maxBalloonFraction = maxBalloonFraction;
        b.sharingScanPagesPerSecond = sharingScanPagesPerSecond; b.hypervBufferPercent = hypervBufferPercent;
        b.proxmoxTargetUsedFraction = proxmoxTargetUsedFraction; b.proxmoxMaxStepBytes = proxmoxMaxStepBytes;
        b.proxmoxDeadbandBytes = proxmoxDeadbandBytes; b.momPressureThreshold = momPressureThreshold;
        b.momStepFraction = momStepFraction; b.momMinGuestFreeFraction = momMinGuestFreeFraction;
        b.momMinChangeFraction = momMinChangeFraction; b.momPressureCritical = momPressureCritical;
        b.sharingScanPassSeconds = sharingScanPassSeconds;
        return b;
    }

    /** Builds a {@link PolicyConfig}; nothing is applied until {@link #build()} validates the whole. */
    public static final class Builder {
        private double idleTax = 0.75;
        private MemoryThresholds thresholds = MemoryThresholds.ESX_DEFAULT;
        private double maxBalloonFraction = 0.65;
        private long sharingScanPagesPerSecond = 200;
        private int hypervBufferPercent = 20;
        private double proxmoxTargetUsedFraction = 0.80;
        private long proxmoxMaxStepBytes = 100 * Size.MIB;
        private long proxmoxDeadbandBytes = 10 * Size.MIB;
        private double momPressureThreshold = 0.20;
        private double momStepFraction = 0.05;
        private double momMinGuestFreeFraction = 0.20;
        private double momMinChangeFraction = 0.0025;
        private double momPressureCritical = 0.05;
        private long sharingScanPassSeconds = SharingScanRate.DEFAULT_PASS_SECONDS;

        private Builder() {}

        /** Sets the idle memory tax rate. */
        public Builder idleTax(double v) { idleTax = v; return this; }
        /** Sets the state thresholds. */
        public Builder thresholds(MemoryThresholds v) { thresholds = v; return this; }
        /** Sets the largest balloon as a fraction of configured memory. */
        public Builder maxBalloonFraction(double v) { maxBalloonFraction = v; return this; }
        /** Sets the page-sharing scan rate. */
        public Builder sharingScanPagesPerSecond(long v) { sharingScanPagesPerSecond = v; return this; }
        /** Sets Hyper-V's buffer percentage. */
        public Builder hypervBufferPercent(int v) { hypervBufferPercent = v; return this; }
        /** Sets Proxmox's host used-memory target. */
        public Builder proxmoxTargetUsedFraction(double v) { proxmoxTargetUsedFraction = v; return this; }
        /** Sets Proxmox's largest step. */
        public Builder proxmoxMaxStepBytes(long v) { proxmoxMaxStepBytes = v; return this; }
        /** Sets Proxmox's dead band. */
        public Builder proxmoxDeadbandBytes(long v) { proxmoxDeadbandBytes = v; return this; }
        /** Sets MOM's host pressure threshold. */
        public Builder momPressureThreshold(double v) { momPressureThreshold = v; return this; }
        /** Sets MOM's step fraction. */
        public Builder momStepFraction(double v) { momStepFraction = v; return this; }
        /** Sets MOM's minimum guest free fraction. */
        public Builder momMinGuestFreeFraction(double v) { momMinGuestFreeFraction = v; return this; }
        /** Sets MOM's smallest change worth making. */
        public Builder momMinChangeFraction(double v) { momMinChangeFraction = v; return this; }
        /** Sets MOM's critical host free fraction. */
        public Builder momPressureCritical(double v) { momPressureCritical = v; return this; }
        /** Sets the longest time one sharing scan pass over machine memory may take (0 = the fixed rate only). */
        public Builder sharingScanPassSeconds(long v) { sharingScanPassSeconds = v; return this; }

        /** Validates and builds. */
        public PolicyConfig build() {
            return new PolicyConfig(idleTax, thresholds, maxBalloonFraction, sharingScanPagesPerSecond,
                    hypervBufferPercent, proxmoxTargetUsedFraction, proxmoxMaxStepBytes, proxmoxDeadbandBytes,
                    momPressureThreshold, momStepFraction, momMinGuestFreeFraction, momMinChangeFraction,
                    momPressureCritical, sharingScanPassSeconds);
        }
    }
}
