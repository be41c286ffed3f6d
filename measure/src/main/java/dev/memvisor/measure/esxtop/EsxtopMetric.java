package dev.memvisor.measure.esxtop;

import dev.memvisor.measure.ValueRange;

/**
 * Every counter the esxtop analysis reports, declared once: its JSON name, where esxtop keeps it and
 * how it is scaled. Names follow esxtop's memory and CPU screens (MCTLSZ, SWCUR, SHRDSVD, ZERO, GRANT...).
 */
@SuppressWarnings("ImmutableEnumChecker") // ValueRange is a record of primitives and a String: immutable
public enum EsxtopMetric {
    // Per VM: the Group Memory and Group Cpu objects, instance "groupId:displayName".
    MEMCTL(Scope.VM, "memctlMBytes", "Group Memory", "Memctl MBytes", "balloon size (MCTLSZ)", false, ValueRange.MEGABYTES),
    MEMCTL_TARGET(Scope.VM, "memctlTargetMBytes", "Group Memory", "Memctl Target MBytes", "balloon target (MCTLTGT)", false, ValueRange.MEGABYTES),
    SWAPPED(Scope.VM, "swappedMBytes", "Group Memory", "Swapped MBytes", "swapped by the host (SWCUR)", false, ValueRange.MEGABYTES),
    SWAP_READ(Scope.VM, "swapReadMBps", "Group Memory", "Swap Read MBytes/sec", "swap-in rate (SWR/s)", false, ValueRange.MEGABYTES_PER_SECOND),
    SWAP_WRITE(Scope.VM, "swapWriteMBps", "Group Memory", "Swap Written MBytes/sec", "swap-out rate (SWW/s)", false, ValueRange.MEGABYTES_PER_SECOND),
    SHARED(Scope.VM, "sharedMBytes", "Group Memory", "Shared MBytes", "shared pages (SHRD)", false, ValueRange.MEGABYTES),
    SHARED_SAVED(Scope.VM, "sharedSavedMBytes", "Group Memory", "Shared Saved MBytes", "saved by sharing (SHRDSVD)", false, ValueRange.MEGABYTES),
    ZERO(Scope.VM, "zeroMBytes", "Group Memory", "Zero MBytes", "zero pages (ZERO)", false, ValueRange.MEGABYTES),
    GRANTED(Scope.VM, "grantedMBytes", "Group Memory", "Memory Granted Size MBytes", "granted (GRANT)", false, ValueRange.MEGABYTES),
    CONSUMED(Scope.VM, "consumedMBytes", "Group Memory", "Memory Consumed Size MBytes", "consumed (CNSM)", false, ValueRange.MEGABYTES),
    TOUCHED(Scope.VM, "touchedMBytes", "Group Memory", "Touched MBytes", "touched (TCHD)", false, ValueRange.MEGABYTES),
    SIZE(Scope.VM, "memorySizeMBytes", "Group Memory", "Memory Size MBytes", "configured size (MEMSZ)", false, ValueRange.MEGABYTES),
    COMPRESSED(Scope.VM, "compressedMBytes", "Group Memory", "Compressed Memory MBytes", "compressed (ZIP)", false, ValueRange.MEGABYTES),
    USED(Scope.VM, "usedPct", "Group Cpu", "% Used", "CPU used, % of one processor (%USED)", false, ValueRange.PERCENT_OF_ONE_PROCESSOR),
    READY(Scope.VM, "readyPct", "Group Cpu", "% Ready", "ready time per vCPU (%RDY / vCPUs)", true, ValueRange.PERCENT_OF_ONE_PROCESSOR),
    COSTOP(Scope.VM, "costopPct", "Group Cpu", "% CoStop", "co-stop per vCPU (%CSTP / vCPUs)", true, ValueRange.PERCENT_OF_ONE_PROCESSOR),
    // Host: the Memory and Physical Cpu objects.
    HOST_MACHINE(Scope.HOST, "machineMBytes", "Memory", "Machine MBytes", "machine memory", false, ValueRange.MEGABYTES),
    HOST_FREE(Scope.HOST, "freeMBytes", "Memory", "Free MBytes", "free memory", false, ValueRange.MEGABYTES),
    HOST_MIN_FREE(Scope.HOST, "minFreeMBytes", "Memory", "Kernel MinFree MBytes", "free memory the kernel keeps in reserve (minFree)", false, ValueRange.MEGABYTES),
    HOST_STATE(Scope.HOST, "memoryState", "Memory", "Kernel State", "memory state (0 high, 1 clear, 2 soft, 3 hard, 4 low; ESXi 6.0 and later)", false, EsxtopMemoryState.KERNEL_STATE),
    HOST_MEMCTL(Scope.HOST, "memctlMBytes", "Memory", "Memctl Current MBytes", "ballooned in all VMs", false, ValueRange.MEGABYTES),
    HOST_MEMCTL_TARGET(Scope.HOST, "memctlTargetMBytes", "Memory", "Memctl Target MBytes", "balloon targets of all VMs", false, ValueRange.MEGABYTES),
    HOST_SWAPPED(Scope.HOST, "swappedMBytes", "Memory", "Swap Used MBytes", "swapped by the host", false, ValueRange.MEGABYTES),
    HOST_SWAP_READ(Scope.HOST, "swapReadMBps", "Memory", "Swap MBytes Read/sec", "swap-in rate", false, ValueRange.MEGABYTES_PER_SECOND),
    HOST_SWAP_WRITE(Scope.HOST, "swapWriteMBps", "Memory", "Swap MBytes Write/sec", "swap-out rate", false, ValueRange.MEGABYTES_PER_SECOND),
    HOST_SHARED(Scope.HOST, "sharedMBytes", "Memory", "PShare Shared MBytes", "shared pages", false, ValueRange.MEGABYTES),
    HOST_SHARED_SAVED(Scope.HOST, "sharedSavedMBytes", "Memory", "PShare Savings MBytes", "saved by sharing", false, ValueRange.MEGABYTES),
    HOST_COMPRESSED(Scope.HOST, "compressedMBytes", "Memory", "Total Compressed MBytes", "compressed", false, ValueRange.MEGABYTES),
    HOST_CPU_UTIL(Scope.HOST, "cpuUtilPct", "Physical Cpu", "% Util Time", "physical CPU utilisation (_Total)", false, ValueRange.PERCENT);

    /** Whether a metric describes the host or one VM. */
    public enum Scope { HOST, VM }

    private final Scope scope;
    private final String key;
    private final String object;
    private final String counter;
    private final String description;
    private final boolean perVcpu;
    private final ValueRange range;

    EsxtopMetric(Scope scope, String key, String object, String counter, String description, boolean perVcpu, ValueRange range) {
        this.scope = scope;
        this.key = key;
        this.object = object;
        this.counter = counter;
        this.description = description;
        this.perVcpu = perVcpu;
        this.range = range;
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

    /**
     * The values the counter can take. None of these may be negative: sizes, rates and percentages of time
     * (esxtop's "-0.00" reads as zero); counters that can be, such as Kernel Unreserved MBytes, are not read.
     */
    public ValueRange range() { return range; }
}
