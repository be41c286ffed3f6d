package dev.memvisor.sim.hypervisor;

import dev.memvisor.sim.Rng;
import dev.memvisor.sim.memory.MissCosts;
import dev.memvisor.sim.memory.VmPages;

import static dev.memvisor.sim.memory.PageState.*;

/**
 * The simulated host's hypervisor: its machine memory and memory mechanisms (page sharing, the
 * swap, compression, the host side of ballooning, frame allocation with reclamation), and one
 * {@link VmBacking} per VM through which the mechanisms reach that VM's pages.
 */
public final class Hypervisor {
    /**
     * What the mechanisms are given by the scenario.
     *
     * @param machineFrames          frames for guests (machine memory less the per-VM overheads)
     * @param contentIds             distinct shareable contents (the zero page and the images' pages)
     * @param vms                    VMs on the host
     * @param sharingPagesPerSecond  the scanner's rate until the policy sets one
     * @param skipFreePages          the scanner passes over guest-free pages
     * @param compression            whether the host compresses at all
     * @param compressibleFraction   pages that compress to half a page or less
     * @param compressionMaxFraction largest compression cache as a fraction of its VM
     * @param balloonRateBytes       balloon inflate/deflate per VM per second
     * @param swapRateBytes          swap-out toward a target per VM per second
     * @param swapReadahead          pages a hypervisor swap-in reads at once (1: no readahead)
     * @param reclaim                how the host picks the pages it swaps out
     */
    public record Settings(long machineFrames, int contentIds, int vms, long sharingPagesPerSecond, boolean skipFreePages,
                           boolean compression, double compressibleFraction, double compressionMaxFraction,
                           long balloonRateBytes, long swapRateBytes, int swapReadahead, HostReclaim reclaim) {}

    private final MachineMemory machine;
    private final PageSharing sharing;
    private final Compression compression;
    private final HostSwap swap;
    private final Balloon balloon;
    private final FrameAllocator frames;
    private final VmBacking[] vms;
    private final int swapReadahead;
    private int attached;

    /** A hypervisor with no VMs yet; add them in index order with {@link #addVm}. */
    public Hypervisor(Settings s) {
        this.machine = new MachineMemory(s.machineFrames(), s.vms());
        this.sharing = new PageSharing(machine, s.contentIds(), s.vms(), s.sharingPagesPerSecond(), s.skipFreePages());
        this.compression = new Compression(machine, s.vms(), s.compression(), s.compressibleFraction(), s.compressionMaxFraction());
        this.swap = new HostSwap(machine, compression, sharing, s.vms(), s.swapRateBytes(), s.reclaim());
        this.balloon = new Balloon(s.vms(), s.balloonRateBytes());
        this.frames = new FrameAllocator(machine, sharing, compression, swap, s.vms());
        this.vms = new VmBacking[s.vms()];
        this.swapReadahead = s.swapReadahead();
    }

    /**
     * Adds the next VM: its pages, generator (the hypervisor's random victims and samples), miss costs,
     * limit and reservation in pages. Returns its backing.
     */
    public VmBacking addVm(VmPages pages, Rng rng, MissCosts costs, long limitPages, long reservationPages) {
        if (attached == vms.length) throw new IllegalStateException("hypervisor sized for " + vms.length + " VMs");
        costs.owner(attached);
        VmBacking vm = new VmBacking(attached, pages, rng, costs, this, limitPages, reservationPages, swapReadahead);
        vms[attached++] = vm;
        sharing.attach(vm);
        compression.attach(vm);
        frames.attach(vm);
        return vm;
    }

    /** Machine memory. */
    public MachineMemory machine() { return machine; }

    /** Page sharing. */
    public PageSharing sharing() { return sharing; }

    /** Compression caches. */
    public Compression compression() { return compression; }

    /** The swap. */
    public HostSwap swap() { return swap; }

    /** Balloon targets and rate. */
    public Balloon balloon() { return balloon; }

    /** Frame allocation and reclamation. */
    public FrameAllocator frames() { return frames; }

    /** VMs added so far. */
    public int vmCount() { return attached; }

    /** The backing of VM {@code i}. */
    public VmBacking vm(int i) {
        if (i >= attached) throw new IndexOutOfBoundsException("no VM " + i + " on a host of " + attached);
        return vms[i];
    }

    /**
     * Checks frame accounting against the VMs' page states (each VM's private, shared, swapped and
     * compressed pages; used frames; the shared-frame table); throws IllegalStateException naming the first mismatch.
     */
    public void checkInvariants() {
        long used = sharing.sharedFrames();
        long swapped = 0;
        for (int i = 0; i < attached; i++) {
            VmBacking v = vms[i];
            VmPages p = v.pages();
            int[] hostStates = new int[5];
            int zeroShared = 0;
            for (int g = 0; g < p.count(); g++) {
                hostStates[p.hostState(g)]++;
                if (p.hostState(g) == SHARED && p.content(g) == ZERO) zeroShared++;
                if (p.guestUse(g) == BALLOON && p.hostState(g) != UNBACKED) throw new IllegalStateException("VM " + i + " page " + g + ": ballooned but backed");
            }
            if (hostStates[MAPPED] != machine.privateFrames(i) || hostStates[SHARED] != sharing.sharedPages(i)
                    || hostStates[SWAPPED] != swap.swappedPages(i) || hostStates[COMPRESSED] != compression.compressedPages(i)
                    || zeroShared != sharing.sharedZeroPages(i)) {
                throw new IllegalStateException("VM " + i + ": host page counts out of step: pages private/shared/swapped/compressed/zero-shared "
                        + hostStates[MAPPED] + "/" + hostStates[SHARED] + "/" + hostStates[SWAPPED] + "/" + hostStates[COMPRESSED] + "/" + zeroShared
                        + ", counted " + machine.privateFrames(i) + "/" + sharing.sharedPages(i) + "/" + swap.swappedPages(i) + "/"
                        + compression.compressedPages(i) + "/" + sharing.sharedZeroPages(i));
            }
            if (v.grantedPages() > v.limitPages()) throw new IllegalStateException("VM " + i + ": granted " + v.grantedPages() + " above limit " + v.limitPages());
            used += machine.privateFrames(i) + compression.frames(i);
            swapped += swap.swappedPages(i);
        }
        if (used != machine.usedFrames()) throw new IllegalStateException("used frames " + machine.usedFrames() + " != counted " + used);
        sharing.checkInvariants();
        if (swapped != swap.usedPages()) throw new IllegalStateException("swap " + swap.usedPages() + " != counted " + swapped);
        if (machine.usedFrames() > machine.totalFrames()) throw new IllegalStateException("used " + machine.usedFrames() + " > machine " + machine.totalFrames());
    }
}
