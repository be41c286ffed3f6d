package dev.memvisor.sim.scenario;

/** {@code host.policy.thresholds}: free-memory fractions of the host memory states (classic ESX defaults). */
public final class ThresholdsSpec {
    /** Free fraction to return to the high state. */
    public double high = 0.06;
    /** Free fraction below which ballooning starts. */
    public double soft = 0.04;
    /** Free fraction below which compression and swapping start. */
    public double hard = 0.02;
    /** Free fraction below which allocations of VMs above target block. */
    public double low = 0.01;
}
