package dev.memvisor.sim.scenario;

import dev.memvisor.core.settings.Setting;

/** {@code vms[].guest}: the guest OS's page cache, swap, low-memory notification and timer. */
public final class GuestSpec {
    @Setting(value = "image pages the guest loads into its page cache at boot (kernel, libraries, services); at most half the memory",
            unit = Setting.Unit.BYTES, range = "[0, inf)")
    public String osMemory = "256M";
    @Setting(value = "the guest zeroes all its memory at boot, so every page is backed and a zero page", source = "Windows does")
    public boolean zeroOnBoot = false;
    @Setting(value = "the guest's virtual disk, where its own swap is", absent = "the host's storage (its datastore)")
    public StorageSpec storage;
    @Setting(value = "pages a guest swap-in reads at once: the faulting page and its neighbours in the application's address"
            + " space that are in swap too, read into free guest pages (1: none)", range = "[1, 256]",
            source = "Linux VMA swap readahead, 2^page-cluster = 8 pages (mm/swap_state.c, swap_vma_readahead)")
    public int swapReadahead = 8;
    @Setting(value = "available fraction (free list and page cache) of the guest's memory under which it signals low memory to applications that listen; at three times it signals high memory (they grow again)", range = "[0, 1]", source = "Windows memory resource notifications (CreateMemoryResourceNotification: the high level is three times the low)")
    public double lowMemoryFraction = 0.04;
    @Setting(value = "a file-backed workload's dirty pages are written back once they are this old; a page rewritten in between is"
            + " written once", unit = Setting.Unit.DURATION, range = "[1ms, inf)",
            source = "Linux: vm.dirty_expire_centisecs = 3000 (Documentation/admin-guide/sysctl/vm.rst)")
    public String dirtyExpire = "30s";
    @Setting(value = "guest timer interrupt rate used for CPU accounting", range = "[1, 10000]", source = "Windows: 64 Hz")
    public int tickHz = 64;
    @Setting(value = "held timer ticks delivered with each tick while a vCPU catches up after waiting (for a core, or in the"
            + " hypervisor); charged to whatever runs then, the idle loop included (the first held tick of a wait for a core"
            + " comes at dispatch and samples the state it waited in: the preempted thread, or idle after a wake-up from halt)",
            range = "[0, inf)",
            source = "an estimate; VMware, \"Timekeeping in VMware Virtual Machines\" (a timer backlog is caught up)")
    public int timerCatchUpTicks = 4;
    @Setting(value = "a backlog of held ticks longer than this is dropped (lost ticks) and the guest clock resynchronised",
            unit = Setting.Unit.DURATION, range = "[1ms, inf)", source = "Friedman (seed 003): VMware gives up a backlog over 60 s")
    public String timerGiveUp = "60s";
}
