package dev.memvisor.sim.guest;

import dev.memvisor.sim.Rng;
import dev.memvisor.sim.memory.IntStack;

/**
 * The guest's free list, last in first out (as Linux's per-CPU free lists hand out the page freed
 * last, still warm in the cache). At boot it holds every page, handed out in blocks of
 * {@value #SHUFFLE_BLOCK_PAGES} pages (4 MiB) in a random order, each block in address order, as Linux
 * shuffles its free lists at boot (mm/shuffle.c, pageblock order 10); those never handed out are kept as a
 * position in that sequence, so the list costs memory only for pages freed since.
 */
final class FreeList {
    /** Pages of one shuffle block: Linux's pageblock of order 10, 4 MiB. */
    static final int SHUFFLE_BLOCK_PAGES = 1024;
    private static final int BLOCK_SHIFT = 10;
    private final int pages;
    /** Positions {@code [lo, pages)} of the boot sequence have never been handed out; they come after the stack. */
    private int lo;
    /** The boot sequence's full blocks in the order they are handed out (null: address order); a partial last block comes last. */
    private int[] order;
    private final IntStack freed = new IntStack();

    /** An empty list over a guest of {@code pages} pages. */
    FreeList(int pages) {
        this.pages = pages;
        this.lo = pages;
    }

    /** Every page goes on the list (the guest at boot), its blocks in an order drawn from {@code rng} (null: address order). */
    void fillAtBoot(Rng rng) {
        if (lo != pages || freed.size() > 0) throw new IllegalStateException("the free list is filled once, at boot");
        lo = 0;
        int blocks = pages >>> BLOCK_SHIFT;
        if (rng == null || blocks < 2) return;
        order = new int[blocks];
        for (int b = 0; b < blocks; b++) order[b] = b;
        for (int i = blocks - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /** The page at position {@code k} of the boot sequence. */
    private int at(int k) {
        int b = k >>> BLOCK_SHIFT;
        return order == null || b >= order.length ? k : order[b] << BLOCK_SHIFT | k & (SHUFFLE_BLOCK_PAGES - 1);
    }

    /** Pages on the list. */
    int size() { return freed.size() + pages - lo; }

    /** The next page {@link #pop} hands out, or -1 when the list is empty. */
    int peek() { return freed.size() > 0 ? freed.fromTop(0) : lo < pages ? at(lo) : -1; }

    /** Takes the next page off the list (the caller checked it is not empty). */
    int pop() { return freed.size() > 0 ? freed.pop() : at(lo++); }

    /** Puts page {@code g} on the list. */
    void push(int g) { freed.push(g); }

    /** The {@code i}-th page the list would hand out, 0 first. */
    int get(int i) { return i < freed.size() ? freed.fromTop(i) : at(lo + i - freed.size()); }
}
