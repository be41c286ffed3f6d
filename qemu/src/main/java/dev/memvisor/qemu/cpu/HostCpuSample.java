package dev.memvisor.qemu.cpu;

/**
 * The host's view of a guest's vCPUs at one moment: taken as soon as a guest CPU report arrived.
 *
 * @param epochMillis      host wall-clock time of the sample
 * @param guestBootMillis  the guest boot time of the report that triggered it
 * @param vcpuTicks        utime + stime of the QEMU vCPU threads, host clock ticks (USER_HZ)
 * @param vcpuThreads      the number of vCPU threads
 */
public record HostCpuSample(long epochMillis, long guestBootMillis, long vcpuTicks, int vcpuThreads) {
    /** The host's clock ticks per second for /proc/PID/stat times: USER_HZ, 100 on Linux (proc(5), sysconf(_SC_CLK_TCK)). */
    public static final long USER_HZ = 100;

    /** vCPU time between {@code a} and this sample as % of one processor. */
    public double pctSince(HostCpuSample a) {
        long ms = epochMillis - a.epochMillis;
        if (ms <= 0) throw new IllegalArgumentException("host sample at " + epochMillis + " is not after " + a.epochMillis);
        return (vcpuTicks - a.vcpuTicks) * 1000.0 / USER_HZ / ms * 100;
    }
}
