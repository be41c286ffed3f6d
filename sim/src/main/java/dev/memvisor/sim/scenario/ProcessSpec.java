package dev.memvisor.sim.scenario;

/** A guest process that uses CPU but no simulated memory (an antivirus scan, a web server's workers). */
public final class ProcessSpec {
    /** Process name as the guest's accounting shows it. */
    public String name;
    /** vCPUs it keeps busy. */
    public double cpu = 0.5;
}
