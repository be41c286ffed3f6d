package dev.memvisor.sim.engine;

import dev.memvisor.sim.cpu.CpuScheduler;
import dev.memvisor.sim.guest.GuestOs;
import dev.memvisor.sim.hypervisor.Hypervisor;
import dev.memvisor.sim.hypervisor.VmBacking;
import dev.memvisor.sim.memory.StorageDevice;

import java.util.List;

/** The simulated host as {@link HostBuilder} built it: its hypervisor, CPU scheduler and VMs (in scenario order). */
public final class SimHost {
    private final Hypervisor hypervisor;
    private final CpuScheduler scheduler;
    private final List<SimVm> vms;
    private final List<StorageDevice> devices;

    SimHost(Hypervisor hypervisor, CpuScheduler scheduler, List<SimVm> vms, List<StorageDevice> devices) {
        this.hypervisor = hypervisor;
        this.scheduler = scheduler;
        this.vms = List.copyOf(vms);
        this.devices = List.copyOf(devices);
    }

    /** The storage devices swap I/O goes to: the host's first, then any VM's own virtual disk. */
    public List<StorageDevice> devices() { return devices; }

    /** The hypervisor: machine memory and the memory mechanisms. */
    public Hypervisor hypervisor() { return hypervisor; }

    /** The CPU scheduler. */
    public CpuScheduler scheduler() { return scheduler; }

    List<SimVm> vms() { return vms; }

    /** Number of VMs. */
    public int vmCount() { return vms.size(); }

    /** The guest OS of VM {@code i} (scenario order). */
    public GuestOs guest(int i) { return vms.get(i).guest; }

    /** The hypervisor's backing of VM {@code i}. */
    public VmBacking backing(int i) { return vms.get(i).backing; }

    /** Checks every guest's page lists and the hypervisor's frame accounting; throws IllegalStateException naming the first mismatch. */
    public void checkInvariants() {
        for (SimVm v : vms) v.guest.checkInvariants();
        hypervisor.checkInvariants();
    }
}
