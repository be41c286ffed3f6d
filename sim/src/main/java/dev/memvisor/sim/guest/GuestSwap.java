package dev.memvisor.sim.guest;

import dev.memvisor.sim.memory.MissCosts;

/**
 * The guest's own swap (unbounded), on its virtual disk: CLOCK writes an application's pages to it, a
 * fault reads them back with their readahead in one request ({@link MissCosts#guestSwapIn}). Double
 * paging, the guest swapping out a page the host had already swapped or compressed (so the host must
 * read it first), is counted here.
 */
public final class GuestSwap {
    private final MissCosts costs;
    private long used, swapIns, swapOuts, doublePaged;

    GuestSwap(MissCosts costs) { this.costs = costs; }

    /** A page goes to the swap; {@code hostHadIt}: the host had swapped or compressed it (double paging). */
    void swapOut(boolean hostHadIt) {
        if (hostHadIt) doublePaged++;
        used++;
        swapOuts++;
        costs.guestSwapOut(1);
    }

    /** A page leaves the swap, read back (a fault or its readahead; {@link #read} charges the request). */
    void readBack() {
        used--;
        swapIns++;
    }

    /** One read request of {@code pages} pages, which the faulting application waits for. */
    void read(int pages) { costs.guestSwapIn(pages); }

    /** A swapped page the application freed leaves the swap unread. */
    void discard() { used--; }

    /** Pages in the swap. */
    public long usedPages() { return used; }

    /** Pages read back so far. */
    public long swapIns() { return swapIns; }

    /** Pages written so far. */
    public long swapOuts() { return swapOuts; }

    /** Pages swapped out that the host had already swapped or compressed. */
    public long doublePagedPages() { return doublePaged; }
}
