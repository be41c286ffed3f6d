package dev.memvisor.sim.memory;

import java.util.Arrays;

/**
 * A last-in first-out stack of ints that grows as it fills (by half again), so a list of pages costs
 * memory for the pages on it, not for every page that could be. Hand-written: fastutil's IntArrayList
 * does this too, but is a 23 MB dependency for thirty lines.
 */
public final class IntStack {
    private int[] a = new int[16];
    private int top;

    /** Pushes {@code x}. */
    public void push(int x) {
        if (top == a.length) a = Arrays.copyOf(a, a.length + (a.length >> 1));
        a[top++] = x;
    }

    /** Pops the last pushed (the caller checked it is not empty). */
    public int pop() { return a[--top]; }

    /** The {@code i}-th from the top, 0 the next {@link #pop}. */
    public int fromTop(int i) { return a[top - 1 - i]; }

    /** Elements on the stack. */
    public int size() { return top; }

    /** Bytes its array takes now. */
    public long bytes() { return 4L * a.length; }
}
