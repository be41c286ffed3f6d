package dev.memvisor.sim.scenario;

import java.util.ArrayList;
import java.util.List;

/** One VM, or {@code count} identical VMs named {@code name-1 .. name-N}. */
public final class VmSpec {
    /** The VM's name (required). */
    public String name;
    /** How many identical VMs this entry stands for. */
    public int count = 1;
    /** Configured memory: what the guest believes it has. */
    public String memory = "4G";
    /** Reservation: never reclaimed below. */
    public String reservation = "0";
    /** Limit: never granted above; empty means the configured memory. */
    public String limit;
    /** Shares: low, normal, high (5, 10, 20 per configured MiB) or a number. */
    public String shares = "normal";
    /** Whether the guest has a balloon driver. */
    public boolean ballooning = true;
    /** Virtual CPUs. */
    public int vcpus = 2;
    /** Name of the image the guest booted from; guests of the same image start with identical pages. Empty: no image. */
    public String image = "default";
    /** The guest operating system. */
    public GuestSpec guest = new GuestSpec();
    /** What the guest's application does. */
    public WorkloadSpec workload = new WorkloadSpec();
    /** Further guest processes that only use CPU (the application is the process {@code app}). */
    public List<ProcessSpec> processes = new ArrayList<>();
}
