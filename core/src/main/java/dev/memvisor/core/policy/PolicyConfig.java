package dev.memvisor.core.policy;

import dev.memvisor.core.InvalidSettingException;
import dev.memvisor.core.model.MemoryThresholds;
import dev.memvisor.core.settings.Setting;
import dev.memvisor.core.settings.Settings;
import dev.memvisor.core.state.MemoryStateModel;
import dev.memvisor.core.unit.Size;

import java.time.Duration;

/**
 * Every policy parameter with its default, in one place (the reference configuration). A run
 * overrides only what it changes through {@link #builder()}; settings files bind their {@code policy:}
 * block onto it (the keys are the component names, sizes without the {@code Bytes} suffix). Each
 * component's {@link Setting} says what it means, its range (checked here) and its source; the defaults
 * are the {@link Builder}'s initial values. Adding a parameter: a component with its {@link Setting},
 * its builder field and setter, then regenerate docs/configuration.md (the test that compares it says how).
 */
public record PolicyConfig(
        @Setting(value = "ESX idle memory tax rate tau: an idle page costs k = 1/(1 - tau) active ones",
                range = "[0, 1)", source = "Waldspurger, OSDI 2002 (ESX: 0.75)")
        double idleTax,
        @Setting(value = "free-memory fractions of machine memory that set the host memory state (memoryStates classic)",
                source = "classic ESX: 6, 4, 2, 1 %")
        MemoryThresholds thresholds,
        @Setting(value = "the host memory states: classic (four, at thresholds), esxi5 (four, from minFree: high 100 %, soft 64 %,"
                + " hard 32 %, low 16 %) or esxi6 (five, from minFree: high 400 %, clear 100 %, soft 64 %, hard 32 %, low 16 %;"
                + " in hard the balloon stops, low does not share); minFree is 6 % of the first 4G, 4 % to 12G, 2 % to 28G, 1 % beyond",
                source = "Waldspurger, OSDI 2002; vSphere 5 Resource Management guide (minFree); Epping, \"What happens at which"
                        + " vSphere memory state?\", Yellow Bricks, 2015 (ESXi 6)")
        String memoryStates,
        @Setting(value = "the most of a VM's configured memory its balloon may hold", range = "(0, 1]",
                source = "ESX balloon driver: 65 %")
        double maxBalloonFraction,
        @Setting(value = "page-sharing scan rate for the whole host, pages per second", range = "[0, inf)",
                source = "ESX 2/3: 200 pages/s")
        long sharingScanPagesPerSecond,
        @Setting(value = "hyperv: memory buffer, % of committed memory each VM is given on top", range = "[5, 2000]",
                source = "Hyper-V Dynamic Memory configuration guide (default 20, range 5-2000)")
        int hypervBufferPercent,
        @Setting(value = "proxmox: auto-ballooning goal, fraction of host memory used", range = "(0, 1]",
                source = "pve-manager PVE/AutoBalloon.pm (80 %)")
        double proxmoxTargetUsedFraction,
        @Setting(value = "proxmox: the most one VM's balloon moves in one step", unit = Setting.Unit.BYTES, range = "(0, inf)",
                source = "pve-manager PVE/AutoBalloon.pm (100 MiB)")
        long proxmoxMaxStepBytes,
        @Setting(value = "proxmox: no change when the goal is within this of the current size", unit = Setting.Unit.BYTES,
                range = "[0, inf)", source = "pve-manager PVE/AutoBalloon.pm (10 MiB)")
        long proxmoxDeadbandBytes,
        @Setting(value = "mom: host free fraction under which guests are shrunk", range = "(0, 1]",
                source = "oVirt MOM doc/balloon.rules (0.20)")
        double momPressureThreshold,
        @Setting(value = "mom: how much a guest shrinks or grows per step, fraction of its size", range = "(0, 1]",
                source = "oVirt MOM doc/balloon.rules (0.05)")
        double momStepFraction,
        @Setting(value = "mom: free memory a shrunk guest keeps, fraction of its size", range = "[0, 1)",
                source = "oVirt MOM doc/balloon.rules (0.20)")
        double momMinGuestFreeFraction,
        @Setting(value = "mom: changes smaller than this fraction of a guest are skipped", range = "[0, 1)",
                source = "oVirt MOM doc/balloon.rules (0.0025)")
        double momMinChangeFraction,
        @Setting(value = "mom: host free fraction at or under which guests are squeezed below their free reserve", range = "[0, 1)",
                source = "oVirt MOM doc/balloon.rules (0.05)")
        double momPressureCritical,
        @Setting(value = "the longest one page-sharing scan pass over the host's machine memory may take, in seconds: the scan rate"
                + " grows with machine memory, never below sharingScanPagesPerSecond (SharingScanRate)", range = "(0, inf)",
                zero = "a fixed rate (sharingScanPagesPerSecond)", source = "ksmtuned src/ksmtuned.sh.in (its slowest setting: 655 s)")
        long sharingScanPassSeconds,
        @Setting(value = "esx: a VM with a virtio-mem device whose balloon held at least one device block at every decision for this"
                + " long has the balloon's whole blocks unplugged instead (a large, lasting reclaim)", unit = Setting.Unit.DURATION,
                range = "[1s, 1d]", zero = "never: esx reclaims by ballooning only",
                source = "memvisor: two of ESX's 30 s active-memory sampling periods, so a reclaim outlasts the estimate it follows")
        Duration esxUnplugAfter,
        @Setting(value = "psi: how often each VM's limit is probed down (one senpai interval); pressure above psiStallTarget backs"
                + " it off at any decision", unit = Setting.Unit.DURATION, range = "[100ms, 1h]", source = "senpai.py --interval (6 s)")
        Duration psiInterval,
        @Setting(value = "psi: memory stall time (PSI some) a VM may have per psiInterval; less probes its limit down, more backs it off",
                unit = Setting.Unit.DURATION, range = "[1us, 1h]", source = "senpai.py --pressure (10 ms)")
        Duration psiStallTarget,
        @Setting(value = "psi: the most one probe lowers a VM's limit, fraction of the limit", range = "(0, 1)",
                source = "senpai.py --max-probe (0.01)")
        double psiMaxProbe,
        @Setting(value = "psi: the most one back-off raises a VM's limit, fraction of the limit", range = "(0, 10]",
                source = "senpai.py --max-backoff (1.0)")
        double psiMaxBackoff,
        @Setting(value = "psi: a probe is psiMaxProbe once the stall is at most 1/psiCoeffProbe of the target, smaller (squared) above",
                range = "(0, inf)", source = "senpai.py --coeff-probe (10)")
        double psiCoeffProbe,
        @Setting(value = "psi: a back-off is psiMaxBackoff once the stall is psiCoeffBackoff x the target, smaller (squared) below",
                range = "(0, inf)", source = "senpai.py --coeff-backoff (20)")
        double psiCoeffBackoff) {

    /** Validates every field against its {@link Setting#range()}; the message names the field, its value and the range. */
    public PolicyConfig {
        Settings.check(PolicyConfig.class, "idleTax", idleTax);
        if (thresholds == null) throw new InvalidSettingException("thresholds", null, "high, soft, hard and low fractions");
        MemoryStateModel.of(memoryStates);
        Settings.check(PolicyConfig.class, "maxBalloonFraction", maxBalloonFraction);
        Settings.check(PolicyConfig.class, "sharingScanPagesPerSecond", sharingScanPagesPerSecond);
        Settings.check(PolicyConfig.class, "hypervBufferPercent", hypervBufferPercent);
        Settings.check(PolicyConfig.class, "proxmoxTargetUsedFraction", proxmoxTargetUsedFraction);
        Settings.check(PolicyConfig.class, "proxmoxMaxStepBytes", proxmoxMaxStepBytes);
        Settings.check(PolicyConfig.class, "proxmoxDeadbandBytes", proxmoxDeadbandBytes);
        Settings.check(PolicyConfig.class, "momPressureThreshold", momPressureThreshold);
        Settings.check(PolicyConfig.class, "momStepFraction", momStepFraction);
        Settings.check(PolicyConfig.class, "momMinGuestFreeFraction", momMinGuestFreeFraction);
        Settings.check(PolicyConfig.class, "momMinChangeFraction", momMinChangeFraction);
        Settings.check(PolicyConfig.class, "momPressureCritical", momPressureCritical);
        Settings.check(PolicyConfig.class, "sharingScanPassSeconds", sharingScanPassSeconds);
        check("esxUnplugAfter", esxUnplugAfter);
        check("psiInterval", psiInterval);
        check("psiStallTarget", psiStallTarget);
        Settings.check(PolicyConfig.class, "psiMaxProbe", psiMaxProbe);
        Settings.check(PolicyConfig.class, "psiMaxBackoff", psiMaxBackoff);
        Settings.check(PolicyConfig.class, "psiCoeffProbe", psiCoeffProbe);
        Settings.check(PolicyConfig.class, "psiCoeffBackoff", psiCoeffBackoff);
    }

    private static void check(String field, Duration d) {
        if (d == null) throw new InvalidSettingException(field, null, "a duration");
        Settings.check(PolicyConfig.class, field, d.toNanos());
    }

    /** The host memory state model {@link #memoryStates} names. */
    public MemoryStateModel memoryStateModel() { return MemoryStateModel.of(memoryStates); }

    /** The state thresholds of a host of {@code machineBytes}: {@link #thresholds} (classic) or scaled from its minFree. */
    public MemoryThresholds thresholdsFor(long machineBytes) { return memoryStateModel().thresholds(thresholds, machineBytes); }

    /** The minFree of a host of {@code machineBytes} (esxtop's Kernel MinFree) under {@link #memoryStates}. */
    public long minFreeBytes(long machineBytes) { return memoryStateModel().minFreeBytes(thresholds, machineBytes); }

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
        b.idleTax = idleTax; b.thresholds = thresholds; b.memoryStates = memoryStates; b.maxBalloonFraction = maxBalloonFraction;
        b.sharingScanPagesPerSecond = sharingScanPagesPerSecond; b.hypervBufferPercent = hypervBufferPercent;
        b.proxmoxTargetUsedFraction = proxmoxTargetUsedFraction; b.proxmoxMaxStepBytes = proxmoxMaxStepBytes;
        b.proxmoxDeadbandBytes = proxmoxDeadbandBytes; b.momPressureThreshold = momPressureThreshold;
        b.momStepFraction = momStepFraction; b.momMinGuestFreeFraction = momMinGuestFreeFraction;
        b.momMinChangeFraction = momMinChangeFraction; b.momPressureCritical = momPressureCritical;
        b.sharingScanPassSeconds = sharingScanPassSeconds; b.esxUnplugAfter = esxUnplugAfter;
        b.psiInterval = psiInterval; b.psiStallTarget = psiStallTarget; b.psiMaxProbe = psiMaxProbe;
        b.psiMaxBackoff = psiMaxBackoff; b.psiCoeffProbe = psiCoeffProbe; b.psiCoeffBackoff = psiCoeffBackoff;
        return b;
    }

    /** Builds a {@link PolicyConfig}; nothing is applied until {@link #build()} validates the whole. */
    public static final class Builder {
        private double idleTax = 0.75;
        private MemoryThresholds thresholds = MemoryThresholds.ESX_DEFAULT;
        private String memoryStates = MemoryStateModel.CLASSIC.key();
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
        private Duration esxUnplugAfter = Duration.ofSeconds(60);
        private Duration psiInterval = Duration.ofSeconds(6);
        private Duration psiStallTarget = Duration.ofMillis(10);
        private double psiMaxProbe = 0.01;
        private double psiMaxBackoff = 1.0;
        private double psiCoeffProbe = 10;
        private double psiCoeffBackoff = 20;

        private Builder() {}

        /** Sets the idle memory tax rate. */
        public Builder idleTax(double v) { idleTax = v; return this; }
        /** Sets the state thresholds. */
        public Builder thresholds(MemoryThresholds v) { thresholds = v; return this; }
        /** Sets the host memory state model: classic, esxi5 or esxi6. */
        public Builder memoryStates(String v) { memoryStates = v; return this; }
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
        /** Sets the longest page-sharing scan pass (0 = a fixed rate). */
        public Builder sharingScanPassSeconds(long v) { sharingScanPassSeconds = v; return this; }
        /** Sets how long a balloon must hold a device block before esx unplugs it (zero = never). */
        public Builder esxUnplugAfter(Duration v) { esxUnplugAfter = v; return this; }
        /** Sets psi's probe interval. */
        public Builder psiInterval(Duration v) { psiInterval = v; return this; }
        /** Sets psi's stall target per interval. */
        public Builder psiStallTarget(Duration v) { psiStallTarget = v; return this; }
        /** Sets psi's largest probe step. */
        public Builder psiMaxProbe(double v) { psiMaxProbe = v; return this; }
        /** Sets psi's largest back-off step. */
        public Builder psiMaxBackoff(double v) { psiMaxBackoff = v; return this; }
        /** Sets psi's probe coefficient. */
        public Builder psiCoeffProbe(double v) { psiCoeffProbe = v; return this; }
        /** Sets psi's back-off coefficient. */
        public Builder psiCoeffBackoff(double v) { psiCoeffBackoff = v; return this; }

        /** Validates and builds. */
        public PolicyConfig build() {
            return new PolicyConfig(idleTax, thresholds, memoryStates, maxBalloonFraction, sharingScanPagesPerSecond,
                    hypervBufferPercent, proxmoxTargetUsedFraction, proxmoxMaxStepBytes, proxmoxDeadbandBytes,
                    momPressureThreshold, momStepFraction, momMinGuestFreeFraction, momMinChangeFraction,
                    momPressureCritical, sharingScanPassSeconds, esxUnplugAfter, psiInterval, psiStallTarget, psiMaxProbe,
                    psiMaxBackoff, psiCoeffProbe, psiCoeffBackoff);
        }
    }
}
