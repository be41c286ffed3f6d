package dev.memvisor.sim.guest;

import dev.memvisor.sim.memory.MissCosts;

/**
 * The guest's own swap device (unbounded): CLOCK writes an application's pages to it, a fault reads
 * them back at {@code guest.swapLatency}. Double paging, the guest swapping out a page the host had
 * already swapped or compressed (so the host must read it first), is counted here.
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
    }

    /** A page is read back on a fault; the application waits for it. */
    void swapIn() {
        used--;
        swapIns++;
        costs.guestSwapIn();
    }

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
