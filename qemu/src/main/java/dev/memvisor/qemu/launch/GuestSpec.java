package dev.memvisor.qemu.launch;

import dev.memvisor.core.unit.Size;

/**
 * What to start: a guest's name, memory and workload.
 *
 * @param name              the guest's name (also its directory under the run directory)
 * @param memoryBytes       the guest's RAM at boot (QEMU {@code -m}; with a virtio-mem device, its boot memory)
 * @param workingSetBytes   the working set mvload touches (0 = no workload)
 * @param touchRatePagesPerSecond pages per second mvload touches (0 = fill once and hold)
 * @param fill              page contents: same (identical across guests), unique, zero or half (half compressible)
 * @param cpuReportSeconds  interval of the CPU reporter on the second serial port (0 = off)
 * @param deflateOnOom      whether the guest may take balloon pages back under memory pressure
 * @param statsPollingSeconds guest statistics polling interval set on the balloon (0 = off)
 * @param hotplugBytes      the region of a virtio-mem device beside the boot memory (0 = no device)
 * @param hotplugBlockBytes the device's block size (0 = QEMU's default, 2 MiB for RAM on x86)
 * @param pluggedBytes      what the device plugs at start (its requested-size)
 * @param memInfoSeconds    how often the guest checks its MemTotal and prints it on the console when it changed (0 = off)
 */
public record GuestSpec(String name, long memoryBytes, long workingSetBytes, long touchRatePagesPerSecond,
                        String fill, int cpuReportSeconds, boolean deflateOnOom, int statsPollingSeconds,
                        long hotplugBytes, long hotplugBlockBytes, long pluggedBytes, int memInfoSeconds) {

    /** Validates the fields; messages name the guest. */
    public GuestSpec {
        if (name == null || !name.matches("[A-Za-z0-9_.-]+")) throw new IllegalArgumentException("guest name '" + name + "': expected letters, digits, '.', '_' or '-'");
        if (memoryBytes < 64 * Size.MIB) throw new IllegalArgumentException("guest " + name + ": memory " + Size.format(memoryBytes) + " is below 64M");
        if (workingSetBytes < 0 || workingSetBytes >= memoryBytes + hotplugBytes) {
            throw new IllegalArgumentException("guest " + name + ": working set must be in [0, memory)");
        }
        if (!fill.equals("same") && !fill.equals("unique") && !fill.equals("zero") && !fill.equals("half")) {
            throw new IllegalArgumentException("guest " + name + ": fill must be same, unique, zero or half, got " + fill);
        }
        if (hotplugBlockBytes < 0 || hotplugBlockBytes > 0 && (Long.bitCount(hotplugBlockBytes) != 1 || hotplugBlockBytes < 4096)) {
            throw new IllegalArgumentException("guest " + name + ": virtio-mem block size must be a power of two of at least 4K, got " + hotplugBlockBytes);
        }
        long block = hotplugBlockBytes > 0 ? hotplugBlockBytes : 2 * Size.MIB;
        if (hotplugBytes < 0 || hotplugBytes % block != 0) {
            throw new IllegalArgumentException("guest " + name + ": virtio-mem region " + Size.format(hotplugBytes) + " must be whole blocks of " + Size.format(block));
        }
        if (pluggedBytes < 0 || pluggedBytes > hotplugBytes || pluggedBytes % block != 0) {
            throw new IllegalArgumentException("guest " + name + ": plugged " + Size.format(pluggedBytes) + " must be whole blocks within the region "
                    + Size.format(hotplugBytes));
        }
        if (memInfoSeconds < 0) throw new IllegalArgumentException("guest " + name + ": memInfoSeconds must be >= 0");
    }

    /** An idle guest with this memory, deflate-on-oom on and statistics every 2 s. */
    public static GuestSpec idle(String name, long memoryBytes) {
        return new GuestSpec(name, memoryBytes, 0, 0, "same", 0, true, 2, 0, 0, 0, 0);
    }

    /** A copy with this workload. */
    public GuestSpec withWorkload(long workingSetBytes, long pagesPerSecond, String fill) {
        return new GuestSpec(name, memoryBytes, workingSetBytes, pagesPerSecond, fill, cpuReportSeconds, deflateOnOom, statsPollingSeconds,
                hotplugBytes, hotplugBlockBytes, pluggedBytes, memInfoSeconds);
    }

    /** A copy with deflate-on-oom on or off. */
    public GuestSpec withDeflateOnOom(boolean on) {
        return new GuestSpec(name, memoryBytes, workingSetBytes, touchRatePagesPerSecond, fill, cpuReportSeconds, on, statsPollingSeconds,
                hotplugBytes, hotplugBlockBytes, pluggedBytes, memInfoSeconds);
    }

    /** A copy with the CPU reporter every {@code seconds}. */
    public GuestSpec withCpuReport(int seconds) {
        return new GuestSpec(name, memoryBytes, workingSetBytes, touchRatePagesPerSecond, fill, seconds, deflateOnOom, statsPollingSeconds,
                hotplugBytes, hotplugBlockBytes, pluggedBytes, memInfoSeconds);
    }

    /**
     * The kernel parameters every memvisor guest boots with. {@code no_timer_check}: under TCG on a busy
     * host the kernel's check that the IO-APIC delivers timer interrupts can time out and panic at boot
     * ("IO-APIC + timer doesn't work!", seen in CI under load); virtual machines commonly skip it.
     */
    public static final String BASE_CMDLINE = "console=ttyS0 panic=-1 quiet no_timer_check";

    /**
     * A copy with a virtio-mem device: a region of {@code regionBytes} beside the boot memory, blocks of
     * {@code blockBytes} (0 = QEMU's default), {@code pluggedBytes} plugged at start; the guest onlines
     * what is plugged by itself (memhp_default_state=online_movable) and reports its MemTotal every second.
     */
    public GuestSpec withHotplug(long regionBytes, long blockBytes, long pluggedBytes) {
        return new GuestSpec(name, memoryBytes, workingSetBytes, touchRatePagesPerSecond, fill, cpuReportSeconds, deflateOnOom, statsPollingSeconds,
                regionBytes, blockBytes, pluggedBytes, memInfoSeconds == 0 ? 1 : memInfoSeconds);
    }

    /** A copy whose guest prints its MemTotal on the console when it changed, checked every {@code seconds} (0 = off). */
    public GuestSpec withMemInfoReport(int seconds) {
        return new GuestSpec(name, memoryBytes, workingSetBytes, touchRatePagesPerSecond, fill, cpuReportSeconds, deflateOnOom, statsPollingSeconds,
                hotplugBytes, hotplugBlockBytes, pluggedBytes, seconds);
    }

    /** Whether the guest has a virtio-mem device. */
    public boolean hasHotplug() {
        return hotplugBytes > 0;
    }

    /**
     * The kernel command line: {@link #BASE_CMDLINE} and the workload's parameters. With a virtio-mem
     * device, memory the device plugs is onlined by the kernel as movable (memhp_default_state=online_movable: Documentation/admin-guide/mm/memory-hotplug.rst), so
     * no udev rule is needed and the memory can be unplugged again; and swiotlb=noforce, since QEMU puts the
     * device's region above 4 GiB, for which an x86 kernel would otherwise set 64 MiB aside as a DMA bounce
     * buffer (the guest's virtio devices do not need one; Documentation/admin-guide/kernel-parameters.txt).
     */
    public String kernelCmdline() {
        return BASE_CMDLINE + " memvisor.ws=" + workingSetBytes + " memvisor.rate=" + touchRatePagesPerSecond
                + " memvisor.fill=" + fill + " memvisor.cpu=" + cpuReportSeconds
                + (memInfoSeconds > 0 ? " memvisor.meminfo=" + memInfoSeconds : "")
                + (hasHotplug() ? " memhp_default_state=online_movable swiotlb=noforce" : "");
    }
}
