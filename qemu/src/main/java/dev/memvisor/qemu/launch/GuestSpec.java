package dev.memvisor.qemu.launch;

import dev.memvisor.core.unit.Size;

/**
 * What to start: a guest's name, memory and workload.
 *
 * @param name              the guest's name (also its directory under the run directory)
 * @param memoryBytes       the guest's RAM
 * @param workingSetBytes   the working set mvload touches (0 = no workload)
 * @param touchRatePagesPerSecond pages per second mvload touches (0 = fill once and hold)
 * @param fill              page contents: same (identical across guests), unique or zero
 * @param cpuReportSeconds  interval of the CPU reporter on the second serial port (0 = off)
 * @param deflateOnOom      whether the guest may take balloon pages back under memory pressure
 * @param statsPollingSeconds guest statistics polling interval set on the balloon (0 = off)
 */
public record GuestSpec(String name, long memoryBytes, long workingSetBytes, long touchRatePagesPerSecond,
                        String fill, int cpuReportSeconds, boolean deflateOnOom, int statsPollingSeconds) {

    /** Validates the fields; messages name the guest. */
    public GuestSpec {
        if (name == null || !name.matches("[A-Za-z0-9_.-]+")) throw new IllegalArgumentException("guest name '" + name + "': expected letters, digits, '.', '_' or '-'");
        if (memoryBytes < 64 * Size.MIB) throw new IllegalArgumentException("guest " + name + ": memory " + Size.format(memoryBytes) + " is below 64M");
        if (workingSetBytes < 0 || workingSetBytes >= memoryBytes) throw new IllegalArgumentException("guest " + name + ": working set must be in [0, memory)");
        if (!fill.equals("same") && !fill.equals("unique") && !fill.equals("zero")) throw new IllegalArgumentException("guest " + name + ": fill must be same, unique or zero, got " + fill);
    }

    /** An idle guest with this memory, deflate-on-oom on and statistics every 2 s. */
    public static GuestSpec idle(String name, long memoryBytes) {
        return new GuestSpec(name, memoryBytes, 0, 0, "same", 0, true, 2);
    }

    /** A copy with this workload. */
    public GuestSpec withWorkload(long workingSetBytes, long pagesPerSecond, String fill) {
        return new GuestSpec(name, memoryBytes, workingSetBytes, pagesPerSecond, fill, cpuReportSeconds, deflateOnOom, statsPollingSeconds);
    }

    /** A copy with deflate-on-oom on or off. */
    public GuestSpec withDeflateOnOom(boolean on) {
        return new GuestSpec(name, memoryBytes, workingSetBytes, touchRatePagesPerSecond, fill, cpuReportSeconds, on, statsPollingSeconds);
    }

    /** A copy with the CPU reporter every {@code seconds}. */
    public GuestSpec withCpuReport(int seconds) {
        return new GuestSpec(name, memoryBytes, workingSetBytes, touchRatePagesPerSecond, fill, seconds, deflateOnOom, statsPollingSeconds);
    }

    /**
     * The kernel parameters every memvisor guest boots with. {@code no_timer_check}: under TCG on a busy
     * host the kernel's check that the IO-APIC delivers timer interrupts can time out and panic at boot
     * ("IO-APIC + timer doesn't work!", seen in CI under load); virtual machines commonly skip it.
     */
    public static final String BASE_CMDLINE = "console=ttyS0 panic=-1 quiet no_timer_check";

    /** The kernel command line. */
    public String kernelCmdline() {
        return BASE_CMDLINE + " memvisor.ws=" + workingSetBytes + " memvisor.rate=" + touchRatePagesPerSecond
                + " memvisor.fill=" + fill + " memvisor.cpu=" + cpuReportSeconds;
    }
}
