package dev.memvisor.sim.guest;

import dev.memvisor.sim.memory.IntStack;

/**
 * The guest's free list, last in first out (as Linux's per-CPU free lists hand out the page freed
 * last, still warm in the cache). At boot it holds every page, handed out in ascending order; those
 * never handed out are kept as a range, so the list costs memory only for pages freed since.
 */
final class FreeList {
    private final int pages;
    /** Pages {@code [lo, pages)} have never been handed out; they come after the stack, lowest first. */
    private int lo;
    private final IntStack freed = new IntStack();

    /** An empty list over a guest of {@code pages} pages. */
    FreeList(int pages) {
        this.pages = pages;
        this.lo = pages;
    }

    /** Every page goes on the list, page 0 to be handed out first (the guest at boot). */
    void fillAtBoot() {
        if (lo != pages || freed.size() > 0) throw new IllegalStateException("the free list is filled once, at boot");
        lo = 0;
    }

    /** Pages on the list. */
    int size() { return freed.size() + pages - lo; }

    /** The next page {@link #pop} hands out, or -1 when the list is empty. */
    int peek() { return freed.size() > 0 ? freed.fromTop(0) : lo < pages ? lo : -1; }

    /** Takes the next page off the list (the caller checked it is not empty). */
    int pop() { return freed.size() > 0 ? freed.pop() : lo++; }

    /** Puts page {@code g} on the list. */
    void push(int g) { freed.push(g); }

    /** The {@code i}-th page the list would hand out, 0 first. */
    int get(int i) { return i < freed.size() ? freed.fromTop(i) : lo + i - freed.size(); }
}
