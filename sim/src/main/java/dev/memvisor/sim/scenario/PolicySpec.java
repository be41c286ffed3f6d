package dev.memvisor.sim.scenario;

/** {@code host.policy}: the policy's name and every parameter of core's PolicyConfig, with its defaults. */
public final class PolicySpec {
    /** Registered policy name: esx, hyperv, proxmox, mom or static. */
    public String name = "esx";
    /** ESX idle memory tax rate tau in [0, 1) (Waldspurger, OSDI 2002: 0.75). */
    public double idleTax = 0.75;
    /** Largest balloon as a fraction of configured memory (ESX: 0.65). */
    public double maxBalloonFraction = 0.65;
    /** Page-sharing scan rate for the whole host, pages per second (ESX 2/3: 200). */
    public long sharingScanPagesPerSecond = 200;
    /** Longest time one sharing scan pass over machine memory may take, seconds (ksmtuned: 655); 0 = the fixed rate. */
    public long sharingScanPassSeconds = dev.memvisor.core.policy.SharingScanRate.DEFAULT_PASS_SECONDS;
    /** Host memory state thresholds as fractions of machine memory. */
    public ThresholdsSpec thresholds = new ThresholdsSpec();
    /** Hyper-V memory buffer, percent. */
    public int hypervBufferPercent = 20;
    /** Proxmox auto-ballooning target used fraction of host memory. */
    public double proxmoxTargetUsedFraction = 0.80;
    /** Proxmox largest balloon step. */
    public String proxmoxMaxStep = "100M";
    /** Proxmox dead band. */
    public String proxmoxDeadband = "10M";
    /** oVirt MOM host free fraction under which guests shrink. */
    public double momPressureThreshold = 0.20;
    /** oVirt MOM step fraction. */
    public double momStepFraction = 0.05;
    /** oVirt MOM free memory a shrunk guest keeps. */
    public double momMinGuestFreeFraction = 0.20;
    /** oVirt MOM smallest change worth making. */
    public double momMinChangeFraction = 0.0025;
    /** oVirt MOM host free fraction at or under which guests are squeezed below their free reserve. */
    public double momPressureCritical = 0.05;
}
