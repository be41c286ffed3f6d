package dev.memvisor.sim.scenario;

/** The simulated host: machine memory, cores, policy and the costs of its mechanisms. */
public final class HostSpec {
    /** Machine memory. */
    public String memory = "16G";
    /** Physical cores the vCPUs are scheduled on. */
    public int cores = 8;
    /** The memory policy and its parameters. */
    public PolicySpec policy = new PolicySpec();
    /** How often the policy decides (ESX rebalances every 15 s). */
    public String controlInterval = "15s";
    /** Hypervisor memory per VM (ESX: about 32 MB). */
    public String overheadPerVm = "32M";
    /** Latency of one page read from the hypervisor's swap device (a disk: about 5 ms). */
    public String swapLatency = "5ms";
    /** Cost of a fault the hypervisor handles (VM exit, allocation, zeroing, re-entry; Adams and Agesen, ASPLOS 2006). */
    public String faultOverhead = "4us";
    /** How fast a balloon driver inflates or deflates, per VM per second. */
    public String balloonRate = "32M";
    /** How fast the hypervisor swaps or compresses out one VM's pages, per second. */
    public String swapRate = "64M";
    /** The page-sharing scanner. */
    public SharingSpec sharing = new SharingSpec();
    /** Memory compression before swapping. */
    public CompressionSpec compression = new CompressionSpec();
    /** Pages sampled per VM per active-memory period (ESX: 100). */
    public int activeSamplePages = 100;
    /** Active-memory sampling period (ESX: 30 s). */
    public String activePeriod = "30s";
    /** Host CPU scheduling quantum; sets how long a waiting vCPU waits (ESX: 50 ms). */
    public String schedulerQuantum = "50ms";
}
