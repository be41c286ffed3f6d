package dev.memvisor.core.counter;

import dev.memvisor.core.model.HostMemoryState;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The one catalogue of the counters memvisor reads, records and exports, each declared once: its
 * esxtop field name (the interactive column, e.g. {@code MCTLSZ}), where {@code esxtop -b} keeps it
 * (object and counter of the batch CSV), its unit, its JSON key, its Prometheus name in base units
 * and what it means. The simulator's writers, the esxtop reader and writer, {@code top} and the
 * Prometheus metrics all name counters through it, so an exported file opens in the tools that read
 * esxtop's. Sources: VMware's esxtop field descriptions ("Interpreting esxtop Statistics", VMware
 * community document 9279) and the counter names of a real {@code esxtop -b} export (data/esxtop).
 * Rates (esxtop's {@code /s} fields) are exported to Prometheus as cumulative counters ({@code _total});
 * {@code rate()} gives esxtop's figure back.
 */
public enum Counter {
    // ---- per VM: Group Memory ----
    /** Configured memory of the VM. */
    MEMSZ(Scope.VM, "MEMSZ", "Group Memory", "Memory Size MBytes", Unit.MBYTES, "memorySizeMBytes",
            "memvisor_vm_memory_size_bytes", "configured memory of the VM"),
    /** Guest memory backed by machine memory. */
    GRANT(Scope.VM, "GRANT", "Group Memory", "Memory Granted Size MBytes", Unit.MBYTES, "grantedMBytes",
            "memvisor_vm_granted_bytes", "guest memory backed by machine memory"),
    /** The machine memory the host wants the VM to have (the policy's target). */
    SZTGT(Scope.VM, "SZTGT", "Group Memory", "Target Size MBytes", Unit.MBYTES, "targetMBytes",
            "memvisor_vm_target_bytes", "machine memory the policy wants the VM to have"),
    /** Estimated active (touched) memory. */
    TCHD(Scope.VM, "TCHD", "Group Memory", "Touched MBytes", Unit.MBYTES, "touchedMBytes",
            "memvisor_vm_active_bytes", "estimated active memory (sampled touches)"),
    /** Estimated actively written memory. */
    TCHD_W(Scope.VM, "TCHD_W", "Group Memory", "Touched Write MBytes", Unit.MBYTES, "touchedWriteMBytes",
            "memvisor_vm_active_write_bytes", "estimated actively written memory"),
    /** Machine memory the VM costs, after page-sharing savings. */
    CNSM(Scope.VM, "CNSM", "Group Memory", "Memory Consumed Size MBytes", Unit.MBYTES, "consumedMBytes",
            "memvisor_vm_consumed_bytes", "machine memory the VM costs after sharing savings"),
    /** The hypervisor's own memory for the VM. */
    OVHD(Scope.VM, "OVHD", "Group Memory", "Overhead MBytes", Unit.MBYTES, "overheadMBytes",
            "memvisor_vm_overhead_bytes", "the hypervisor's own memory for the VM"),
    /** Whether the VM has a working balloon driver (1 or 0). */
    MCTL(Scope.VM, "MCTL?", "Group Memory", "Memctl?", Unit.FLAG, "memctl",
            "memvisor_vm_balloon_driver", "1 when the VM has a working balloon driver"),
    /** Memory held by the balloon driver. */
    MCTLSZ(Scope.VM, "MCTLSZ", "Group Memory", "Memctl MBytes", Unit.MBYTES, "memctlMBytes",
            "memvisor_vm_balloon_bytes", "memory held by the balloon driver"),
    /** The balloon size the host asked for. */
    MCTLTGT(Scope.VM, "MCTLTGT", "Group Memory", "Memctl Target MBytes", Unit.MBYTES, "memctlTargetMBytes",
            "memvisor_vm_balloon_target_bytes", "balloon size the host asked for"),
    /** The largest balloon the VM may have. */
    MCTLMAX(Scope.VM, "MCTLMAX", "Group Memory", "Memctl Max MBytes", Unit.MBYTES, "memctlMaxMBytes",
            "memvisor_vm_balloon_max_bytes", "largest balloon the VM may have"),
    /** Guest memory swapped out by the host. */
    SWCUR(Scope.VM, "SWCUR", "Group Memory", "Swapped MBytes", Unit.MBYTES, "swappedMBytes",
            "memvisor_vm_swapped_bytes", "guest memory swapped out by the host"),
    /** How much of the VM the host means to swap. */
    SWTGT(Scope.VM, "SWTGT", "Group Memory", "Swap Target MBytes", Unit.MBYTES, "swapTargetMBytes",
            "memvisor_vm_swap_target_bytes", "how much of the VM the host means to swap"),
    /** Host swap-in rate. */
    SWR(Scope.VM, "SWR/s", "Group Memory", "Swap Read MBytes/sec", Unit.MBYTES_PER_SEC, "swapReadMBps",
            "memvisor_vm_swap_in_bytes_total", "host swap-in rate"),
    /** Host swap-out rate. */
    SWW(Scope.VM, "SWW/s", "Group Memory", "Swap Written MBytes/sec", Unit.MBYTES_PER_SEC, "swapWriteMBps",
            "memvisor_vm_swap_out_bytes_total", "host swap-out rate"),
    /** Guest memory mapped to shared (copy-on-write) pages. */
    SHRD(Scope.VM, "SHRD", "Group Memory", "Shared MBytes", Unit.MBYTES, "sharedMBytes",
            "memvisor_vm_shared_bytes", "guest memory mapped to shared pages"),
    /** Machine memory saved by sharing. */
    SHRDSVD(Scope.VM, "SHRDSVD", "Group Memory", "Shared Saved MBytes", Unit.MBYTES, "sharedSavedMBytes",
            "memvisor_vm_shared_saved_bytes", "machine memory saved by sharing"),
    /** Guest zero pages, shared. */
    ZERO(Scope.VM, "ZERO", "Group Memory", "Zero MBytes", Unit.MBYTES, "zeroMBytes",
            "memvisor_vm_zero_bytes", "zero pages (shared)"),
    /** Pages hashed but not yet shared (copy-on-write hints). */
    COWH(Scope.VM, "COWH", "Group Memory", "Copy On Write Hint MBytes", Unit.MBYTES, "cowHintMBytes",
            "memvisor_vm_cow_hint_bytes", "pages hashed, not yet shared (hints)"),
    /** Guest memory held compressed by the host (its uncompressed size). */
    ZIP(Scope.VM, "ZIP", "Group Memory", "Compressed Memory MBytes", Unit.MBYTES, "compressedMBytes",
            "memvisor_vm_compressed_bytes", "guest memory held compressed by the host"),
    /** Machine memory the VM's compressed pages take (esxtop's CACHEUSD; Linux zswap's pool). */
    CACHEUSD(Scope.VM, "CACHEUSD", "Group Memory", "Used Compressed Memory MBytes", Unit.MBYTES, "usedCompressedMBytes",
            "memvisor_vm_compression_cache_used_bytes", "machine memory the VM's compressed pages take"),
    /** Memory plugged into the guest by its virtio-mem device (memvisor's; esxtop has no hot-plug counter). */
    PLUGGED(Scope.VM, "PLUGGED", "Group Memory", "Hot-Plugged MBytes", Unit.MBYTES, "pluggedMBytes",
            "memvisor_vm_plugged_bytes", "memory plugged into the guest by its virtio-mem device"),
    /** The plugged size the virtio-mem device was asked for (QEMU's requested-size; memvisor's). */
    PLUGTGT(Scope.VM, "PLUGTGT", "Group Memory", "Hot-Plug Target MBytes", Unit.MBYTES, "plugTargetMBytes",
            "memvisor_vm_plug_target_bytes", "plugged size the virtio-mem device was asked for"),
    /** Time some of the VM's threads stalled on memory (Linux PSI "some" of its QEMU's cgroup; memvisor's). */
    MEMSTALL(Scope.VM, "%MSTALL", "Group Memory", "Memory Stall %", Unit.PERCENT, "memoryStallPct",
            "memvisor_vm_memory_stall_seconds_total", "time some of the VM's threads stalled on memory (PSI some)"),
    /** The VM's reservation (esxtop's memory allocation minimum). */
    AMIN(Scope.VM, "AMIN", "Group Memory", "Alloc Min", Unit.MBYTES, "allocMinMBytes",
            "memvisor_vm_reservation_bytes", "reservation: never reclaimed below"),
    /** The VM's limit (esxtop's memory allocation maximum). */
    AMAX(Scope.VM, "AMAX", "Group Memory", "Alloc Max", Unit.MBYTES, "allocMaxMBytes",
            "memvisor_vm_limit_bytes", "limit: never granted above"),
    /** The VM's memory shares. */
    ASHRS(Scope.VM, "ASHRS", "Group Memory", "Alloc Shares", Unit.COUNT, "allocShares",
            "memvisor_vm_shares", "memory shares: relative priority when memory is short"),
    // ---- per VM: Group Cpu ----
    /** CPU used by the VM as the host measures it. */
    USED(Scope.VM, "%USED", "Group Cpu", "% Used", Unit.PERCENT, "usedPct",
            "memvisor_vm_cpu_used_seconds_total", "CPU used, % of one processor"),
    /** Time the VM's vCPUs ran. */
    RUN(Scope.VM, "%RUN", "Group Cpu", "% Run", Unit.PERCENT, "runPct",
            "memvisor_vm_cpu_run_seconds_total", "time the vCPUs ran, % of one processor"),
    /** Time ready to run but waiting for a processor. */
    RDY(Scope.VM, "%RDY", "Group Cpu", "% Ready", Unit.PERCENT, "readyPct",
            "memvisor_vm_cpu_ready_seconds_total", "time runnable but waiting for a processor"),
    /** Time a vCPU was held back for its siblings (co-scheduling). */
    CSTP(Scope.VM, "%CSTP", "Group Cpu", "% CoStop", Unit.PERCENT, "costopPct",
            "memvisor_vm_cpu_costop_seconds_total", "time held back by co-scheduling"),
    /** Time spent in the hypervisor on the VM's behalf. */
    SYS(Scope.VM, "%SYS", "Group Cpu", "% System", Unit.PERCENT, "systemPct",
            "memvisor_vm_cpu_system_seconds_total", "hypervisor time on the VM's behalf"),
    /** Time waiting for swap-in. */
    SWPWT(Scope.VM, "%SWPWT", "Group Cpu", "% Swap Wait", Unit.PERCENT, "swapWaitPct",
            "memvisor_vm_cpu_swap_wait_seconds_total", "time waiting for host swap-in"),
    /** CPU the guest's own accounting reports (Processor(_Total), % of one processor): memvisor's, not esxtop's. */
    GUEST(Scope.VM, "%GUEST", "Guest Cpu", "% Processor Time", Unit.PERCENT, "guestPct",
            null, "CPU the guest's own accounting reports"),
    // ---- per vCPU: Vcpu ----
    /** CPU used by one vCPU. */
    VCPU_USED(Scope.VCPU, "%USED", "Vcpu", "% Used", Unit.PERCENT, "usedPct",
            "memvisor_vcpu_used_seconds_total", "CPU used by the vCPU"),
    /** Time one vCPU ran. */
    VCPU_RUN(Scope.VCPU, "%RUN", "Vcpu", "% Run", Unit.PERCENT, "runPct",
            "memvisor_vcpu_run_seconds_total", "time the vCPU ran"),
    /** Time one vCPU was ready but waiting. */
    VCPU_RDY(Scope.VCPU, "%RDY", "Vcpu", "% Ready", Unit.PERCENT, "readyPct",
            "memvisor_vcpu_ready_seconds_total", "time the vCPU was runnable but waiting"),
    /** Time one vCPU was held back for its siblings. */
    VCPU_CSTP(Scope.VCPU, "%CSTP", "Vcpu", "% CoStop", Unit.PERCENT, "costopPct",
            "memvisor_vcpu_costop_seconds_total", "time the vCPU was held back by co-scheduling"),
    // ---- host: Memory, Physical Cpu ----
    /** Machine memory of the host. */
    HOST_PMEM(Scope.HOST, "PMEM", "Memory", "Machine MBytes", Unit.MBYTES, "machineMBytes",
            "memvisor_host_memory_bytes", "machine memory"),
    /** Free machine memory. */
    HOST_FREE(Scope.HOST, "FREE", "Memory", "Free MBytes", Unit.MBYTES, "freeMBytes",
            "memvisor_host_free_bytes", "free machine memory"),
    /** The free memory the host keeps (later ESX's minFree). */
    HOST_MINFREE(Scope.HOST, "MINFREE", "Memory", "Kernel MinFree MBytes", Unit.MBYTES, "minFreeMBytes",
            "memvisor_host_min_free_bytes", "free memory the host keeps (minFree)"),
    /** The host memory state (esxtop's numbering, see {@link #stateNames()}). */
    HOST_STATE(Scope.HOST, "STATE", "Memory", "Kernel State", Unit.STATE, "memoryState",
            "memvisor_host_memory_state", "host memory state"),
    /** Memory held by all balloons. */
    HOST_MCTLSZ(Scope.HOST, "MEMCTL.curr", "Memory", "Memctl Current MBytes", Unit.MBYTES, "memctlMBytes",
            "memvisor_host_balloon_bytes", "memory held by all balloons"),
    /** Balloon targets of all VMs. */
    HOST_MCTLTGT(Scope.HOST, "MEMCTL.target", "Memory", "Memctl Target MBytes", Unit.MBYTES, "memctlTargetMBytes",
            "memvisor_host_balloon_target_bytes", "balloon targets of all VMs"),
    /** Memory swapped out by the host. */
    HOST_SWCUR(Scope.HOST, "SWAP.curr", "Memory", "Swap Used MBytes", Unit.MBYTES, "swappedMBytes",
            "memvisor_host_swapped_bytes", "memory swapped out by the host"),
    /** Swap targets of all VMs. */
    HOST_SWTGT(Scope.HOST, "SWAP.rclmtgt", "Memory", "Swap Target MBytes", Unit.MBYTES, "swapTargetMBytes",
            "memvisor_host_swap_target_bytes", "swap targets of all VMs"),
    /** Host swap-in rate. */
    HOST_SWR(Scope.HOST, "SWAP.r/s", "Memory", "Swap MBytes Read/sec", Unit.MBYTES_PER_SEC, "swapReadMBps",
            "memvisor_host_swap_in_bytes_total", "host swap-in rate"),
    /** Host swap-out rate. */
    HOST_SWW(Scope.HOST, "SWAP.w/s", "Memory", "Swap MBytes Write/sec", Unit.MBYTES_PER_SEC, "swapWriteMBps",
            "memvisor_host_swap_out_bytes_total", "host swap-out rate"),
    /** Guest memory mapped to shared pages, all VMs. */
    HOST_PSHARE_SHARED(Scope.HOST, "PSHARE.shared", "Memory", "PShare Shared MBytes", Unit.MBYTES, "sharedMBytes",
            "memvisor_host_shared_bytes", "guest memory mapped to shared pages"),
    /** Machine memory holding the shared pages. */
    HOST_PSHARE_COMMON(Scope.HOST, "PSHARE.common", "Memory", "PShare Common MBytes", Unit.MBYTES, "sharedCommonMBytes",
            "memvisor_host_shared_common_bytes", "machine memory holding the shared pages"),
    /** Machine memory saved by sharing. */
    HOST_PSHARE_SAVING(Scope.HOST, "PSHARE.saving", "Memory", "PShare Savings MBytes", Unit.MBYTES, "sharedSavedMBytes",
            "memvisor_host_shared_saved_bytes", "machine memory saved by sharing"),
    /** Guest memory held compressed, all VMs. */
    HOST_ZIP(Scope.HOST, "ZIP.zipped", "Memory", "Total Compressed MBytes", Unit.MBYTES, "compressedMBytes",
            "memvisor_host_compressed_bytes", "guest memory held compressed"),
    /** Machine memory saved by compression. */
    HOST_ZIP_SAVED(Scope.HOST, "ZIP.saved", "Memory", "Total Saved By Compression MBytes", Unit.MBYTES, "compressionSavedMBytes",
            "memvisor_host_compression_saved_bytes", "machine memory saved by compression"),
    /** Physical CPU utilisation (instance _Total). */
    HOST_PCPU_UTIL(Scope.HOST, "PCPU UTIL", "Physical Cpu", "% Util Time", Unit.PERCENT, "cpuUtilPct",
            null, "physical CPU utilisation");

    private final Scope scope;
    private final String field;
    private final String object;
    private final String batchCounter;
    private final Unit unit;
    private final String key;
    private final String prometheusName;
    private final String description;

    Counter(Scope scope, String field, String object, String batchCounter, Unit unit, String key,
            String prometheusName, String description) {
        this.scope = scope;
        this.field = field;
        this.object = object;
        this.batchCounter = batchCounter;
        this.unit = unit;
        this.key = key;
        this.prometheusName = prometheusName;
        this.description = description;
    }

    /** Host, VM or vCPU. */
    public Scope scope() { return scope; }

    /** esxtop's interactive field name ({@code MCTLSZ}, {@code %RDY}); the column name of memvisor's tables and CSVs. */
    public String field() { return field; }

    /** The object of the batch CSV's counter path ({@code Group Memory}, {@code Memory}, {@code Vcpu}). */
    public String object() { return object; }

    /** The counter name of the batch CSV's counter path ({@code Memctl MBytes}). */
    public String batchCounter() { return batchCounter; }

    /** The unit values are kept in. */
    public Unit unit() { return unit; }

    /** The camel-case name used in JSON outputs ({@code memctlMBytes}). */
    public String key() { return key; }

    /** The Prometheus metric name in base units, if memvisor exports it. */
    public Optional<String> prometheusName() { return Optional.ofNullable(prometheusName); }

    /** What it means, in a few words. */
    public String description() { return description; }

    /** Whether esxtop reports it per second (a rate), so Prometheus gets it as a cumulative counter. */
    public boolean isRate() { return unit == Unit.MBYTES_PER_SEC || prometheusName != null && prometheusName.endsWith("_seconds_total"); }

    /** The counters of one scope, in declaration order. */
    public static List<Counter> of(Scope scope) {
        return Arrays.stream(values()).filter(c -> c.scope == scope).toList();
    }

    /** The counter of this scope with this batch object and counter name (esxtop -b), if any. */
    public static Optional<Counter> byBatchName(Scope scope, String object, String batchCounter) {
        return Arrays.stream(values())
                .filter(c -> c.scope == scope && c.object.equalsIgnoreCase(object) && c.batchCounter.equalsIgnoreCase(batchCounter))
                .findFirst();
    }

    /** The counter of this scope with this esxtop field name ({@code MCTLSZ}), if any. */
    public static Optional<Counter> byField(Scope scope, String field) {
        return Arrays.stream(values()).filter(c -> c.scope == scope && c.field.equalsIgnoreCase(field)).findFirst();
    }

    /**
     * The names of esxtop's "Kernel State" values, by value: ESXi 6.0 and later number five states
     * 0 high, 1 clear, 2 soft, 3 hard, 4 low (core's {@link HostMemoryState}; the clear state came with
     * vSphere 6.0: Epping, "What happens at which vSphere memory state?", 2015; ESX 3 to 5.5 had four,
     * 0 high, 1 soft, 2 hard, 3 low).
     */
    public static List<String> stateNames() {
        return Arrays.stream(HostMemoryState.values()).map(HostMemoryState::label).toList();
    }
}
