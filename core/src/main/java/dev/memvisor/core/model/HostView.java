package dev.memvisor.core.model;

import java.util.List;
import java.util.Objects;

/**
 * What the host and each of its VMs look like at a decision point; the input of every policy.
 *
 * @param timeMillis      the decision time in milliseconds since the start of the run (simulated or real)
 * @param machineBytes    the host's machine memory available to VMs and the hypervisor
 * @param freeBytes       machine memory currently free
 * @param overheadBytesPerVm memory the hypervisor itself needs per VM (ESX: about 32 MB)
 * @param vms             every managed VM, in a stable order
 */
public record HostView(long timeMillis, long machineBytes, long freeBytes, long overheadBytesPerVm,
                       List<VmView> vms) {

    /** Validates sizes and copies the VM list. */
    public HostView {
        if (machineBytes <= 0) throw new IllegalArgumentException("machineBytes must be > 0, got " + machineBytes);
        if (freeBytes < 0) throw new IllegalArgumentException("freeBytes must be >= 0, got " + freeBytes);
        if (overheadBytesPerVm < 0) throw new IllegalArgumentException("overheadBytesPerVm must be >= 0, got " + overheadBytesPerVm);
        vms = List.copyOf(Objects.requireNonNull(vms, "vms"));
    }

    /** Machine memory left for guest memory once the hypervisor's per-VM overhead is taken. */
    public long availableForVmsBytes() {
        return Math.max(0, machineBytes - overheadBytesPerVm * vms.size());
    }

    /** Free memory as a fraction of machine memory. */
    public double freeFraction() {
        return (double) freeBytes / machineBytes;
    }
}
