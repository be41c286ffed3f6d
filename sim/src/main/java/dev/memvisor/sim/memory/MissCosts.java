package dev.memvisor.sim.memory;

/**
 * What one VM's page misses cost: every mechanism that makes the application wait charges its event
 * here, so the stall of one reference, the hypervisor CPU spent on the VM's behalf and the waits the
 * guest's accounting cannot see are added up in one place. The slow path only: the reference loop
 * calls it on a miss, never per reference.
 * <ul>
 *   <li>A fault the hypervisor handles (zero-fill, copy-on-write break) and a decompression are CPU on
 *       the vCPU: the reference waits for it and the host charges it to the VM (esxtop %SYS).</li>
 *   <li>A hypervisor swap-in and a guest swap-in are device reads ({@link StorageDevice}: latency,
 *       bandwidth, queueing); a read brings in its readahead neighbours with it (the caller says how many
 *       pages). The host charges {@code ioCpu} per I/O it does or emulates (its swap, the guest's virtual
 *       disk), work on other host threads that the guest never sees.</li>
 *   <li>A file-backed workload's read of a page not in the guest's page cache is a read of the guest's disk; its
 *       first write to a clean page costs the page's writeback ({@link #writeback}).</li>
 *   <li>A miss stalls one of the application's threads; the others keep working, so the application loses
 *       the stall divided by its threads (Little's law over a closed set of threads); a device shared by
 *       more misses answers more slowly, which bounds what threads can hide.</li>
 * </ul>
 * The guest cannot tell a hypervisor swap-in or fault from its thread running (its vCPU is held in the
 * hypervisor: timer ticks are held too), while it knows it waits for its own swap (its thread sleeps).
 */
public final class MissCosts {
    private final double faultNs, decompressNs, ioCpuNs;
    private final StorageDevice hostSwap, guestDisk;
    private final int threads;
    /** Whose requests these are on a shared device: the VM's index. */
    private int who;
    private double stallNs;
    /** Of the current miss's stall, the part its vCPU was held in the hypervisor (the rest: the guest's own I/O). */
    private double heldPart;
    // cumulative
    private double hostSwapWaitNs, guestSwapWaitNs, hvSyncNs, hvAsyncNs;
    /** Cumulative: what Linux PSI would count as memory stall of the VM's QEMU's cgroup ({@link #hostStallNs()}). */
    private double hostStallNs;
    // since the last step ended: wall time held in the hypervisor (guest-invisible) and waiting for the guest's own I/O
    private double stepHeldNs, stepGuestWaitNs;
    /** Since the last call of {@link #takeGuestInterrupts()}: I/O completions the guest was interrupted for. */
    private double stepGuestIos;

    /**
     * @param faultNs      a fault the hypervisor handles (world switch, allocation, zeroing)
     * @param decompressNs a page decompressed from the compression cache
     * @param ioCpuNs      host CPU per I/O the hypervisor does or emulates for the VM
     * @param hostSwap     the device behind the hypervisor's swap
     * @param guestDisk    the guest's virtual disk (its swap)
     * @param threads      the application's threads (at least 1)
     */
    public MissCosts(double faultNs, double decompressNs, double ioCpuNs, StorageDevice hostSwap, StorageDevice guestDisk, int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads " + threads);
        this.faultNs = faultNs;
        this.decompressNs = decompressNs;
        this.ioCpuNs = ioCpuNs;
        this.hostSwap = hostSwap;
        this.guestDisk = guestDisk;
        this.threads = threads;
    }

    /** Says which VM (index) these costs are of, for the shared devices' queues. */
    public void owner(int vmIndex) { this.who = vmIndex; }

    /** A new miss begins: its stall starts at zero (stalls charged outside a reference are not waited for). */
    public void startMiss() {
        stallNs = 0;
        heldPart = 0;
    }

    /**
     * The wall time the application loses to the miss that began: its thread's stall over the threads. The
     * thread's vCPU is stalled the whole time: held in the hypervisor, or idle while the guest waits for its own I/O.
     */
    public double stallNs() {
        stepHeldNs += heldPart * stallNs;
        stepGuestWaitNs += (1 - heldPart) * stallNs;
        heldPart = 0;
        return stallNs / threads;
    }

    private void stall(double ns, boolean held) {
        double before = stallNs;
        stallNs += ns;
        if (stallNs > 0) heldPart = (heldPart * before + (held ? ns : 0)) / stallNs;
    }

    /** The hypervisor handled a fault: allocated, zeroed or copied a page (also a copy-on-write break). */
    public void hostFault() {
        stall(faultNs, true);
        hvSyncNs += faultNs;
    }

    /**
     * Time the VM stalled waiting for the host to bring a page back (host swap-in, decompression): what
     * Linux PSI counts as memory stall of its QEMU's cgroup. The guest's own swap-ins are I/O to the host,
     * not host memory stalls, and are not counted.
     */
    public double hostStallNs() { return hostStallNs; }

    /** A page decompressed from the compression cache. */
    public void decompression() {
        stall(decompressNs, true);
        hvSyncNs += decompressNs;
        hostStallNs += decompressNs;
    }

    /** A hypervisor swap-in that reads {@code pages} adjacent pages (the faulting one and its readahead) in one request. */
    public void hostSwapIn(int pages) {
        double wait = hostSwap.read(pages, who, threads);
        stall(wait, true);
        hostSwapWaitNs += wait;
        hostStallNs += wait;
        hvAsyncNs += ioCpuNs;
    }

    /** The hypervisor wrote {@code pages} pages to its swap. */
    public void hostSwapOut(int pages) {
        hostSwap.write(pages, who);
        hvAsyncNs += ioCpuNs * pages / StorageDevice.WRITE_CLUSTER;
    }

    /** A guest swap-in that reads {@code pages} adjacent pages in one request of its virtual disk. */
    public void guestSwapIn(int pages) {
        guestSwapWaitNs += guestDiskRead(pages);
    }

    /**
     * The application read a file page the guest's page cache does not hold: one read of {@code pages} adjacent pages
     * of the guest's virtual disk, waited for as a guest swap-in is (the guest knows it waits: its thread sleeps on it).
     */
    public void fileRead(int pages) {
        guestDiskRead(pages);
    }

    /** One read of {@code pages} pages of the guest's virtual disk that a thread waits for, knowing it waits; returns the wait. */
    private double guestDiskRead(int pages) {
        double wait = guestDisk.read(pages, who, threads);
        stall(wait, false);
        hvAsyncNs += ioCpuNs;
        stepGuestIos += 1;
        return wait;
    }

    /**
     * The application dirtied a clean file page: the guest's writeback writes it to its virtual disk whatever the
     * memory, and the writer pays for it: the dirtying thread waits for its page's write, a part of a sequential
     * cluster, as it would for a read (on an idle device with many threads that is little). With {@code paced} the
     * guest has more dirty pages than it lets writers run free with, and Linux paces the writers together to the
     * device's write bandwidth (balance_dirty_pages, mm/page-writeback.c): the application loses the whole write.
     */
    public void writeback(boolean paced) {
        double wait = guestDisk.writeBack(1, who, threads);
        stall(paced ? wait * threads : wait, false);
        hvAsyncNs += ioCpuNs / StorageDevice.WRITE_CLUSTER;
        stepGuestIos += 1.0 / StorageDevice.WRITE_CLUSTER;
    }

    /** Pages the guest's virtual disk writes back in {@code ns} (sequential clusters; the background flusher's budget). */
    public long pagesWritableIn(double ns) {
        return guestDisk.pagesWritableIn(ns);
    }

    /** The guest wrote {@code pages} pages to its swap. */
    public void guestSwapOut(int pages) {
        guestDisk.write(pages, who);
        hvAsyncNs += ioCpuNs * pages / StorageDevice.WRITE_CLUSTER;
        stepGuestIos += (double) pages / StorageDevice.WRITE_CLUSTER;
    }

    /** The guest's processes made {@code ios} disk or network I/Os the hypervisor emulated. */
    public void deviceIo(double ios) {
        hvAsyncNs += ioCpuNs * ios;
        stepGuestIos += ios;
    }

    /**
     * I/O completions of the guest's own I/O (its swap, its processes' disk and network I/O) since the last call, each
     * an interrupt that wakes a halted vCPU; resets. The hypervisor's own swap I/O interrupts nothing in the guest.
     */
    public double takeGuestInterrupts() {
        double n = stepGuestIos;
        stepGuestIos = 0;
        return n;
    }

    /** Hypervisor CPU spent on the VM's behalf so far, on its vCPU (faults, decompression) and elsewhere (I/O). */
    public double hvCpuNs() { return hvSyncNs + hvAsyncNs; }

    /** Of {@link #hvCpuNs()}, the part on the vCPU itself. */
    public double hvSyncNs() { return hvSyncNs; }

    /** Time the application's threads waited for the hypervisor's swap so far (esxtop %SWPWT). */
    public double hostSwapWaitNs() { return hostSwapWaitNs; }

    /** Time the application's threads waited for the guest's own swap so far. */
    public double guestSwapWaitNs() { return guestSwapWaitNs; }

    /** vCPU time since the last call the application's misses held in the hypervisor (the guest thinks it ran); resets. */
    public double takeHeldNs() {
        double h = stepHeldNs;
        stepHeldNs = 0;
        return h;
    }

    /** vCPU time since the last call the application's misses waited for the guest's own I/O (the guest knows); resets. */
    public double takeGuestWaitNs() {
        double w = stepGuestWaitNs;
        stepGuestWaitNs = 0;
        return w;
    }

    /** The application's threads. */
    public int threads() { return threads; }
}
