package dev.memvisor.sim.memory;

/**
 * A set of page numbers as three levels of bits: one per page, one per word of 64 pages (is any set),
 * one per 4,096 pages, so the next member from any page is found in a few word operations however
 * sparse the set is (a van Emde Boas-like layout of fixed height, as in the Linux kernel's find_next_bit
 * over a summary). About 0.13 bytes a page. Hand-written: java.util.BitSet scans every word between
 * two members, which for a VM of 134 M pages with few private ones is a sweep of 2 M words.
 */
public final class PageBitSet {
    private final int size;
    private final long[] l0, l1, l2;

    /** An empty set of pages {@code [0, size)}. */
    public PageBitSet(int size) {
        this.size = size;
        this.l0 = new long[(size + 63) >>> 6];
        this.l1 = new long[(l0.length + 63) >>> 6];
        this.l2 = new long[(l1.length + 63) >>> 6];
    }

    /** Adds page {@code i}. */
    public void add(int i) {
        int w = i >>> 6;
        long old = l0[w];
        l0[w] = old | 1L << i;
        if (old == 0) {
            l1[w >>> 6] |= 1L << w;
            l2[w >>> 12] |= 1L << (w >>> 6);
        }
    }

    /** Removes page {@code i}. */
    public void remove(int i) {
        int w = i >>> 6;
        long v = l0[w] & ~(1L << i);
        l0[w] = v;
        if (v == 0) {
            int w1 = w >>> 6;
            long v1 = l1[w1] & ~(1L << w);
            l1[w1] = v1;
            if (v1 == 0) l2[w1 >>> 6] &= ~(1L << w1);
        }
    }

    /** Whether page {@code i} is in the set. */
    public boolean contains(int i) { return (l0[i >>> 6] & 1L << i) != 0; }

    /** The first member at or after {@code from}, or -1. */
    public int next(int from) {
        if (from >= size) return -1;
        int w = from >>> 6;
        long v = l0[w] & -1L << from;
        if (v != 0) return w << 6 | Long.numberOfTrailingZeros(v);
        int w0 = nextWord(w + 1);
        return w0 < 0 ? -1 : w0 << 6 | Long.numberOfTrailingZeros(l0[w0]);
    }

    /** The first member from {@code from} on, wrapping to the start; -1 when the set is empty. */
    public int nextWrapping(int from) {
        int g = next(from);
        return g >= 0 || from == 0 ? g : next(0);
    }

    /** The first non-empty word of the lowest level at or after {@code w}, or -1. */
    private int nextWord(int w) {
        if (w >= l0.length) return -1;
        int w1 = w >>> 6;
        long v1 = l1[w1] & -1L << w;
        if (v1 != 0) return w1 << 6 | Long.numberOfTrailingZeros(v1);
        int from1 = w1 + 1;
        if (from1 >= l1.length) return -1;
        int w2 = from1 >>> 6;
        long v2 = l2[w2] & -1L << from1;
        while (v2 == 0) {
            if (++w2 >= l2.length) return -1;
            v2 = l2[w2];
        }
        int i1 = w2 << 6 | Long.numberOfTrailingZeros(v2);
        return i1 << 6 | Long.numberOfTrailingZeros(l1[i1]);
    }
}
