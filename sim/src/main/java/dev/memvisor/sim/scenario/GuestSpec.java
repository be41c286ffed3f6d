package dev.memvisor.sim.scenario;

/** {@code vms[].guest}: the guest OS's page cache, swap, low-memory notification and timer. */
public final class GuestSpec {
    /** Image pages the guest loads at boot into its page cache (kernel, libraries, services). */
    public String osMemory = "256M";
    /** Whether the guest zeroes all its memory at boot (Windows does), so every page is backed and a zero page. */
    public boolean zeroOnBoot = false;
    /** Latency of one page read from the guest's swap device. */
    public String swapLatency = "5ms";
    /** Free fraction of the guest's memory under which it signals low memory to applications that listen. */
    public double lowMemoryFraction = 0.04;
    /** Guest timer interrupt rate used for CPU accounting (Windows: 64 Hz). */
    public int tickHz = 64;
    /** Most backlogged timer ticks delivered at once when a descheduled vCPU runs again; the rest are lost. */
    public int timerCatchUpTicks = 4;
}
