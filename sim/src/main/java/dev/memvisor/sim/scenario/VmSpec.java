package dev.memvisor.sim.scenario;

import dev.memvisor.core.settings.Setting;

import java.util.ArrayList;
import java.util.List;

/** One VM, or {@code count} identical VMs named {@code name-1 .. name-N}. */
public final class VmSpec {
    @Setting(value = "the VM's name: letters, digits, '.', '_' or '-'; with count N the VMs are name-1..name-N", absent = Setting.REQUIRED)
    public String name;
    @Setting(value = "identical VMs this entry stands for", range = "[1, 4096]")
    public int count = 1;
    @Setting(value = "configured memory: what the guest believes it has", unit = Setting.Unit.BYTES, range = "[1M, 4T]")
    public String memory = "4G";
    @Setting(value = "reservation: never reclaimed below; at most the limit", unit = Setting.Unit.BYTES, range = "[0, inf)",
            source = "ESX")
    public String reservation = "0";
    @Setting(value = "limit: never granted above; at most the memory", unit = Setting.Unit.BYTES, range = "[4K, inf)",
            absent = "the memory", source = "ESX")
    public String limit;
    @Setting(value = "shares: low, normal, high (5, 10, 20 per configured MiB) or a number > 0", source = "ESX")
    public String shares = "normal";
    @Setting("the guest has a balloon driver")
    public boolean ballooning = true;
    @Setting(value = "virtual CPUs", range = "[1, 256]")
    public int vcpus = 2;
    @Setting("image the guest booted from: guests of one image start with identical pages; empty for none")
    public String image = "default";
    @Setting("the guest operating system")
    public GuestSpec guest = new GuestSpec();
    @Setting("what the guest's application does")
    public WorkloadSpec workload = new WorkloadSpec();
    @Setting("further guest processes that only use CPU (the application is the process app)")
    public List<ProcessSpec> processes = new ArrayList<>();
}
