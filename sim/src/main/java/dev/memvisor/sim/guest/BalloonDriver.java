package dev.memvisor.sim.guest;

import dev.memvisor.sim.hypervisor.VmBacking;
import dev.memvisor.sim.memory.IntStack;
import dev.memvisor.sim.memory.VmPages;

import static dev.memvisor.sim.memory.PageState.*;

/**
 * The guest's balloon driver (vmmemctl, virtio-balloon): it inflates by allocating pages the way any
 * guest allocation does, free pages first, then page cache, then anonymous pages (so the guest
 * swaps), and hands them to the hypervisor, which frees what backs them; it deflates by returning
 * pages to the free list. The guest's own policy chooses what to give up (Waldspurger, OSDI 2002, section 3.2).
 */
public final class BalloonDriver {
    private final GuestOs guest;
    private final VmBacking backing;
    private final VmPages pages;
    private final IntStack stack = new IntStack();

    BalloonDriver(GuestOs guest, VmBacking backing) {
        this.guest = guest;
        this.backing = backing;
        this.pages = backing.pages();
    }

    /** Moves the balloon by up to {@code n} pages toward {@code targetPages}. */
    public void moveToward(long targetPages, long n) {
        if (stack.size() < targetPages) inflate(n, targetPages);
        else if (stack.size() > targetPages) deflate(n, targetPages);
    }

    /**
     * Inflates by up to {@code n} pages toward {@code targetPages}: free pages first, then page cache,
     * then anonymous pages. The hypervisor frees what backs each page, so the balloon stops at the
     * VM's reservation unless the page it would take is unbacked anyway.
     */
    public void inflate(long n, long targetPages) {
        for (long i = 0; i < n && stack.size() < targetPages; i++) {
            int next = guest.peekFree();
            boolean unbackedNext = next >= 0 && pages.hostState(next) == UNBACKED;
            if (!unbackedNext && !backing.aboveReservation()) return;
            int g;
            if (next >= 0) g = guest.popFree();
            else if (guest.cachePages() > 0) g = guest.clockEvict(true);
            else g = guest.clockEvict(false);
            pages.setGuestByte(g, BALLOON);
            stack.push(g);
            backing.release(g);
        }
    }

    /** Deflates by up to {@code n} pages toward {@code targetPages}; the pages return to the guest's free list. */
    public void deflate(long n, long targetPages) {
        for (long i = 0; i < n && stack.size() > targetPages; i++) {
            int g = stack.pop();
            pages.setGuestByte(g, FREE);
            guest.pushFree(g);
        }
    }

    /** Pages the balloon holds (esxtop MCTLSZ). */
    public int pages() { return stack.size(); }

    /** Checks that the balloon holds each of its pages once, marked ballooned and on no other list ({@code onList}, marked here). */
    void checkStack(boolean[] onList) {
        for (int i = 0; i < stack.size(); i++) {
            int g = stack.fromTop(i);
            if (pages.guestUse(g) != BALLOON || onList[g]) throw new IllegalStateException("VM " + backing.index() + " balloon holds page " + g + " wrongly");
            onList[g] = true;
        }
    }
}
