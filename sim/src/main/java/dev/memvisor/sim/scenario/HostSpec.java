package dev.memvisor.sim.scenario;

import dev.memvisor.core.settings.Setting;

/** The simulated host: machine memory, cores and the costs of its mechanisms (its policy is the scenario's {@code policy:} block). */
public final class HostSpec {
    @Setting(value = "machine memory", unit = Setting.Unit.BYTES, range = "[64M, inf)")
    public String memory = "16G";
    @Setting(value = "physical cores the vCPUs are scheduled on", range = "[1, 1024]")
    public int cores = 8;
    @Setting(value = "how often the policy decides (and at once on a host memory state change); a multiple of step",
            unit = Setting.Unit.DURATION, range = "[1us, inf)", source = "ESX rebalances every 15 s")
    public String controlInterval = "15s";
    @Setting(value = "hypervisor memory per VM, set aside from machine memory", unit = Setting.Unit.BYTES, range = "[0, inf)",
            source = "ESX: about 32 MB")
    public String overheadPerVm = "32M";
    @Setting("the device behind the hypervisor's swap (and the guests' virtual disks unless a VM has its own)")
    public StorageSpec storage = new StorageSpec();
    @Setting(value = "pages a hypervisor swap-in reads at once: the faulting page and its neighbours in guest memory that are"
            + " in swap too, read in while the host has free memory (1: none)", range = "[1, 256]",
            source = "Linux swap readahead, 2^page-cluster = 8 pages (mm/swap_state.c): on KVM, the host swaps QEMU's guest memory")
    public int swapReadahead = 8;
    @Setting(value = "how the host picks the guest pages it swaps out: random (ESX's swapper) or lru (Linux: least recently used"
            + " first, by CLOCK on the pages' referenced bits, across all VMs)",
            absent = "the hypervisor the policy models: random for esx, lru for every other policy (they run on Linux KVM)",
            source = "random: Waldspurger, OSDI 2002, section 3.3 (ESX's swap daemon uses a randomized page replacement policy); lru: Linux reclaims QEMU's"
                    + " guest memory from the inactive end of its LRU, a referenced page getting a second chance (mm/vmscan.c,"
                    + " Documentation/mm/multigen_lru.rst)")
    public String reclaim;
    @Setting(value = "cost of a fault the hypervisor handles (VM exit, allocation, zeroing, re-entry)",
            unit = Setting.Unit.DURATION, range = "[0, inf)", source = "Adams and Agesen, ASPLOS 2006")
    public String faultOverhead = "4us";
    @Setting(value = "host CPU per I/O the hypervisor does for a VM (its swap I/O, an emulated virtual-disk or network I/O of the"
            + " guest), charged to the VM and never seen by the guest", unit = Setting.Unit.DURATION, range = "[0, inf)",
            source = "an estimate: the host I/O stack's work for one request and the VM exits around it (a trap-and-emulate"
                    + " costs about 2,000 cycles: Adams and Agesen, ASPLOS 2006, seed 004)")
    public String ioCpu = "10us";
    @Setting(value = "how fast a balloon driver inflates or deflates, per VM per second", unit = Setting.Unit.BYTES, range = "[4K, inf)")
    public String balloonRate = "32M";
    @Setting(value = "how fast the hypervisor swaps or compresses out one VM's pages, per second", unit = Setting.Unit.BYTES,
            range = "[4K, inf)")
    public String swapRate = "64M";
    @Setting("the page-sharing scanner (its rate is policy.sharingScanPagesPerSecond)")
    public SharingSpec sharing = new SharingSpec();
    @Setting("memory compression before swapping")
    public CompressionSpec compression = new CompressionSpec();
    @Setting(value = "pages sampled per VM per active-memory period", range = "[1, 100000]", source = "ESX: 100")
    public int activeSamplePages = 100;
    @Setting(value = "active-memory sampling period; a multiple of step", unit = Setting.Unit.DURATION, range = "[1us, inf)",
            source = "ESX: 30 s (later 60 s)")
    public String activePeriod = "30s";
    @Setting(value = "host CPU scheduling quantum; sets how long a waiting vCPU waits", unit = Setting.Unit.DURATION,
            range = "[1ms, inf)", source = "ESX: 50 ms")
    public String schedulerQuantum = "50ms";
}
