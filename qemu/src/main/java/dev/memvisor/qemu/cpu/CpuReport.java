package dev.memvisor.qemu.cpu;

import java.util.List;

/**
 * One block of the guest CPU reporter: the {@code cpu} line of the guest's /proc/stat, every process's
 * CPU ticks, and the guest's clock ticks per second, all read at guest boot time {@code bootMillis}.
 *
 * @param bootMillis guest CLOCK_BOOTTIME in milliseconds when the block was written
 * @param cpu        the /proc/stat {@code cpu} fields in order: user, nice, system, idle, iowait, irq,
 *                   softirq, steal, guest, guest_nice (older kernels write fewer; at least 4)
 * @param processes  the processes, in the order written
 * @param hz         clock ticks per second (USER_HZ) of the guest
 * @param line       the line number of the block's MVCPU line in its source (for messages)
 */
public record CpuReport(long bootMillis, long[] cpu, List<ProcessTicks> processes, long hz, long line) {
    /** Copies the arrays and lists. */
    public CpuReport {
        cpu = cpu.clone();
        processes = List.copyOf(processes);
    }

    /** Ticks of all processors together, busy or not: user .. steal (guest and guest_nice are already in user and nice; proc(5)). */
    public long totalTicks() {
        long t = 0;
        for (int i = 0; i < Math.min(8, cpu.length); i++) t += cpu[i];
        return t;
    }

    /** Ticks the guest spent idle or waiting for I/O (idle + iowait): what it does not count as busy. */
    public long idleTicks() {
        return cpu[3] + (cpu.length > 4 ? cpu[4] : 0);
    }

    /** Ticks the hypervisor took from the guest (steal), 0 when not reported. */
    public long stealTicks() {
        return cpu.length > 7 ? cpu[7] : 0;
    }
}
