package dev.memvisor.sim.hypervisor;

import dev.memvisor.sim.Rng;
import dev.memvisor.sim.memory.MissCosts;
import dev.memvisor.sim.memory.VmPages;

import static dev.memvisor.sim.memory.PageState.*;

/**
 * The hypervisor's side of one VM: what backs each of its guest-physical pages (a private frame, a
 * shared frame, the swap, the compression cache, or nothing), the faults that back a page before
 * the guest can use it, and the orders the policy gave for this VM (target, swap target, whether
 * to compress, whether to block allocations above target), within its limit and reservation.
 */
public final class VmBacking {
    private final int index;
    private final VmPages pages;
    private final Rng rng;
    private final MissCosts costs;
    private final MachineMemory machine;
    private final PageSharing sharing;
    private final Compression compression;
    private final HostSwap swap;
    private final FrameAllocator frames;
    private final long limitPages;
    private final long reservationPages;
    /** Pages one swap-in reads: the aligned block of guest pages around the faulting one (1: no readahead). */
    private final int readahead;
    // the policy's current orders
    private long targetPages;
    private long swapTargetPages;
    private boolean compressionAllowed;
    private boolean blockAllocations;
    private boolean throttle;
    // cumulative event counts
    private long hostFaults, cowBreaks;

    VmBacking(int index, VmPages pages, Rng rng, MissCosts costs, Hypervisor hv, long limitPages, long reservationPages, int readahead) {
        this.index = index;
        this.pages = pages;
        this.rng = rng;
        this.costs = costs;
        this.machine = hv.machine();
        this.sharing = hv.sharing();
        this.compression = hv.compression();
        this.swap = hv.swap();
        this.frames = hv.frames();
        this.limitPages = limitPages;
        this.targetPages = limitPages;
        this.reservationPages = reservationPages;
        this.readahead = readahead;
    }

    /** The VM's index on the host (scenario order). */
    public int index() { return index; }

    /** The VM's pages. */
    public VmPages pages() { return pages; }

    /** What the VM's misses cost. */
    public MissCosts costs() { return costs; }

    Rng rng() { return rng; }

    /**
     * Carries out the policy's orders for this VM: reclaim toward {@code targetPages}, swap (or compress,
     * when {@code compress} and the host compresses) until {@code swapTargetPages} are out, and with
     * {@code block} make the VM give up a page of its own for every new one while above target; with
     * {@code throttle} (cgroup memory.high) reclaim it toward its target whatever the host state, and
     * have it give up a page of its own for each new one above its target, as a blocked VM does.
     */
    public void order(long targetPages, long swapTargetPages, boolean compress, boolean block, boolean throttle) {
        this.targetPages = targetPages;
        this.swapTargetPages = Math.min(pages.count(), swapTargetPages);
        this.compressionAllowed = compress && compression.enabled();
        this.blockAllocations = block || throttle;
        this.throttle = throttle;
    }

    /** Guest pages backed by machine memory (esxtop GRANT). */
    public long grantedPages() { return (long) machine.privateFrames(index) + sharing.sharedPages(index); }

    /**
     * Machine pages the VM costs (esxtop CONSUMED): its private frames, its share of the shared frames
     * it maps (rounded to whole pages) and the frames of its compression cache. The one definition,
     * for the policy's view and the recorded counter alike.
     */
    public long consumedPages() {
        return machine.privateFrames(index) + Math.round(sharing.sharedPages(index) * sharing.framesPerReference())
                + compression.frames(index);
    }

    /**
     * The most machine frames the VM's own faults can add to those in use before the policy's orders change
     * (a reference takes at most one): its private pages can grow to its limit, its compression cache to its
     * largest size, and a copy-on-write break holds a new frame a moment before it drops the shared one.
     */
    public long maxFramesTaken() {
        return Math.max(0, limitPages - machine.privateFrames(index)) + compression.headroomFrames(index) + 1;
    }

    /** Whether the host may reclaim a backed page of this VM: it holds more than its reservation. */
    public boolean aboveReservation() { return machine.privateFrames(index) + sharing.sharedPages(index) > reservationPages; }

    /** The VM's memory limit in pages. */
    public long limitPages() { return limitPages; }

    /** The VM's reservation in pages. */
    public long reservationPages() { return reservationPages; }

    /** The policy's target in pages. */
    public long targetPages() { return targetPages; }

    /** The policy's swap target in pages. */
    public long swapTargetPages() { return swapTargetPages; }

    /** Whether the policy lets the host compress this VM's pages rather than swap them. */
    public boolean compressionAllowed() { return compressionAllowed; }

    /** Whether the VM must give up a page for every new one while above target. */
    public boolean blocksAllocations() { return blockAllocations; }

    /** Whether the plan throttles the VM at its target (the host reclaims it toward the target at once). */
    public boolean throttled() { return throttle; }

    /** Faults the hypervisor handled to back a page. */
    public long hostFaults() { return hostFaults; }

    /** Writes that broke a shared page's sharing. */
    public long cowBreaks() { return cowBreaks; }

    /**
     * The guest zeroes its memory at boot: the first pages are backed with zeros, as many as its
     * limit, {@code maxPages} and the machine's free memory allow (the rest reads as zero, unbacked).
     */
    public void backZeroedAtBoot(long maxPages) {
        int backed = (int) Math.min(Math.min(Math.min(pages.count(), limitPages), maxPages), Math.max(0, machine.freeFrames()));
        for (int g = 0; g < backed; g++) {
            pages.setHostState(g, MAPPED);
            pages.setContent(g, ZERO);
        }
        machine.takePrivate(index, backed);
    }

    /** The guest loads page {@code g} at boot: backed if unbacked and the limit and machine allow, else left unbacked. */
    public void backAtBoot(int g) {
        if (pages.hostState(g) == UNBACKED && grantedPages() < limitPages && machine.freeFrames() > 0) {
            pages.setHostState(g, MAPPED);
            machine.takePrivate(index);
        }
    }

    /** Backs an unbacked, swapped or compressed page {@code g} with a machine page (a no-op for a backed one). */
    public void back(int g) {
        byte h = pages.hostState(g);
        if (h == SHARED || h == MAPPED) return;
        frames.allocate(this, false);
        fill(g);
        hostFaults++;
        costs.hostFault();
    }

    /** Gives page {@code g} a private machine page (a write is coming), breaking its sharing if it is shared. */
    public void makePrivate(int g) {
        byte h = pages.hostState(g);
        if (h == MAPPED) return;
        if (h == SHARED) {
            if (sharing.isLastReference(pages.content(g))) {
                // the last reference: the frame itself becomes private, no copy and no new frame
                sharing.unshare(this, g);
                machine.takePrivate(index);
                pages.setHostState(g, MAPPED);
            } else {
                frames.allocate(this, true);
                fill(g);
            }
            cowBreaks++;
            costs.hostFault();
            return;
        }
        back(g);
    }

    /**
     * Fills the frame just taken for page {@code g} from wherever the page is now and maps it. The state
     * is read after the frame was found, not before: finding it may have reclaimed this very page (a
     * compressed page written to swap, a shared page swapped out when nothing else could give), and
     * counting it from a stale state put the host's page counts out of step.
     */
    private void fill(int g) {
        switch (pages.hostState(g)) {
            case SWAPPED -> {
                swap.readBack(this);
                pages.setHostState(g, MAPPED);
                costs.hostSwapIn(1 + readAhead(g));
            }
            case COMPRESSED -> compression.faultIn(this, costs);
            case SHARED -> sharing.unshare(this, g); // copy-on-write: the new frame holds the copy
            default -> pages.setContent(g, ZERO);
        }
        pages.setHostState(g, MAPPED);
    }

    /**
     * Swap readahead around page {@code g}: its neighbours in the aligned block of {@code readahead} guest pages
     * that are in swap too come back in the same read, while the host has free frames and the VM may grow (a
     * readahead never makes the host reclaim). On KVM the host swaps QEMU's guest memory, one mapping in
     * guest-physical order, so Linux's VMA readahead reads exactly these (mm/swap_state.c, swap_vma_readahead).
     * Returns the pages read besides {@code g}.
     */
    private int readAhead(int g) {
        if (readahead <= 1) return 0;
        int start = g - g % readahead, end = Math.min(pages.count(), start + readahead), n = 0;
        for (int h = start; h < end; h++) {
            if (h == g || pages.hostState(h) != SWAPPED) continue;
            long granted = grantedPages();
            if (machine.freeFrames() <= 0 || granted >= limitPages || (blockAllocations && granted >= targetPages)) break;
            machine.takePrivate(index);
            swap.readBack(this);
            pages.setHostState(h, MAPPED);
            n++;
        }
        return n;
    }

    /** Gives up whatever backs page {@code g} (the balloon took it); it reads as zeros when backed again. */
    public void release(int g) {
        switch (pages.hostState(g)) {
            case MAPPED -> machine.releasePrivate(index);
            case SHARED -> sharing.unshare(this, g);
            case SWAPPED -> swap.drop(this);
            case COMPRESSED -> compression.drop(this);
            default -> { }
        }
        pages.setHostState(g, UNBACKED);
        pages.setContent(g, ZERO);
    }
}
