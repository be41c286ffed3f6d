package dev.memvisor.measure.esxtop;

/**
 * Every counter the esxtop analysis reports, declared once: its JSON name, where esxtop keeps it and
 * how it is scaled. Names follow esxtop's memory and CPU screens (MCTLSZ, SWCUR, SHRDSVD, ZERO, GRANT...).
 */
public enum EsxtopMetric {
    // Per VM: the Group Memory and Group Cpu objects, instance "groupId:displayName".
    MEMCTL(Scope.VM, "memctlMBytes", "Group Memory", "Memctl MBytes", "balloon size (MCTLSZ)", false),
    MEMCTL_TARGET(Scope.VM, "memctlTargetMBytes", "Group Memory", "Memctl Target MBytes", "balloon target (MCTLTGT)", false),
    SWAPPED(Scope.VM, "swappedMBytes", "Group Memory", "Swapped MBytes", "swapped by the host (SWCUR)", false),
    SWAP_READ(Scope.VM, "swapReadMBps", "Group Memory", "Swap Read MBytes/sec", "swap-in rate (SWR/s)", false),
    SWAP_WRITE(Scope.VM, "swapWriteMBps", "Group Memory", "Swap Written MBytes/sec", "swap-out rate (SWW/s)", false),
    SHARED(Scope.VM, "sharedMBytes", "Group Memory", "Shared MBytes", "shared pages (SHRD)", false),
    SHARED_SAVED(Scope.VM, "sharedSavedMBytes", "Group Memory", "Shared Saved MBytes", "saved by sharing (SHRDSVD)", false),
    ZERO(Scope.VM, "zeroMBytes", "Group Memory", "Zero MBytes", "zero pages (ZERO)", false),
    GRANTED(Scope.VM, "grantedMBytes", "Group Memory", "Memory Granted Size MBytes", "granted (GRANT)", false),
    CONSUMED(Scope.VM, "consumedMBytes", "Group Memory", "Memory Consumed Size MBytes", "consumed (CNSM)", false),
    TOUCHED(Scope.VM, "touchedMBytes", "Group Memory", "Touched MBytes", "touched (TCHD)", false),
    SIZE(Scope.VM, "memorySizeMBytes", "Group Memory", "Memory Size MBytes", "configured size (MEMSZ)", false),
    COMPRESSED(Scope.VM, "compressedMBytes", "Group Memory", "Compressed Memory MBytes", "compressed (ZIP)", false),
    USED(Scope.VM, "usedPct", "Group Cpu", "% Used", "CPU used, % of one processor (%USED)", false),
    READY(Scope.VM, "readyPct", "Group Cpu", "% Ready", "ready time per vCPU (%RDY / vCPUs)", true),
    COSTOP(Scope.VM, "costopPct", "Group Cpu", "% CoStop", "co-stop per vCPU (%CSTP / vCPUs)", true),
    // Host: the Memory and Physical Cpu objects.
    HOST_MACHINE(Scope.HOST, "machineMBytes", "Memory", "Machine MBytes", "machine memory", false),
    HOST_FREE(Scope.HOST, "freeMBytes", "Memory", "Free MBytes", "free memory", false),
    HOST_STATE(Scope.HOST, "memoryState", "Memory", "Kernel State", "memory state (0 high, 1 soft, 2 hard, 3 low)", false),
    HOST_MEMCTL(Scope.HOST, "memctlMBytes", "Memory", "Memctl Current MBytes", "ballooned in all VMs", false),
    HOST_MEMCTL_TARGET(Scope.HOST, "memctlTargetMBytes", "Memory", "Memctl Target MBytes", "balloon targets of all VMs", false),
    HOST_SWAPPED(Scope.HOST, "swappedMBytes", "Memory", "Swap Used MBytes", "swapped by the host", false),
    HOST_SWAP_READ(Scope.HOST, "swapReadMBps", "Memory", "Swap MBytes Read/sec", "swap-in rate", false),
    HOST_SWAP_WRITE(Scope.HOST, "swapWriteMBps", "Memory", "Swap MBytes Write/sec", "swap-out rate", false),
    HOST_SHARED(Scope.HOST, "sharedMBytes", "Memory", "PShare Shared MBytes", "shared pages", false),
    HOST_SHARED_SAVED(Scope.HOST, "sharedSavedMBytes", "Memory", "PShare Savings MBytes", "saved by sharing", false),
    HOST_COMPRESSED(Scope.HOST, "compressedMBytes", "Memory", "Total Compressed MBytes", "compressed", false),
    HOST_CPU_UTIL(Scope.HOST, "cpuUtilPct", "Physical Cpu", "% Util Time", "physical CPU utilisation (_Total)", false);

    /** Whether a metric describes the host or one VM. */
    public enum Scope { HOST, VM }

    private final Scope scope;
    private final String key;
    private final String object;
    private final String counter;
    private final String description;
    private final boolean perVcpu;

    EsxtopMetric(Scope scope, String key, String object, String counter, String description, boolean perVcpu) {
        this.scope = scope;
        this.key = key;
        this.object = object;
        this.counter = counter;
        this.description = description;
        this.perVcpu = perVcpu;
    }

    /** Host or VM. */
    public Scope scope() { return scope; }

    /** The name used in summary.json. */
    public String key() { return key; }

    /** The esxtop object the counter lives in. */
    public String object() { return object; }

    /** The esxtop counter name. */
    public String counter() { return counter; }

    /** What it means, for the report. */
    public String description() { return description; }

    /** True if esxtop sums it over the VM's worlds and the report divides it by the vCPU count. */
    public boolean perVcpu() { return perVcpu; }
}
