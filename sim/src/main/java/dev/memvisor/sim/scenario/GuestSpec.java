package dev.memvisor.sim.scenario;

import dev.memvisor.core.settings.Setting;

/** {@code vms[].guest}: the guest OS's page cache, swap, low-memory notification and timer. */
public final class GuestSpec {
    @Setting(value = "image pages the guest loads into its page cache at boot (kernel, libraries, services); at most half the memory",
            unit = Setting.Unit.BYTES, range = "[0, inf)")
    public String osMemory = "256M";
    @Setting(value = "the guest zeroes all its memory at boot, so every page is backed and a zero page", source = "Windows does")
    public boolean zeroOnBoot = false;
    @Setting(value = "latency of one page read from the guest's swap device", unit = Setting.Unit.DURATION, range = "[0, inf)")
    public String swapLatency = "5ms";
    @Setting(value = "free fraction of the guest's memory under which it signals low memory to applications that listen", range = "[0, 1]")
    public double lowMemoryFraction = 0.04;
    @Setting(value = "guest timer interrupt rate used for CPU accounting", range = "[1, 10000]", source = "Windows: 64 Hz")
    public int tickHz = 64;
    @Setting(value = "most backlogged timer ticks delivered at once when a descheduled vCPU runs again; the rest are lost", range = "[0, inf)")
    public int timerCatchUpTicks = 4;
}
