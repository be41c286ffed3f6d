package dev.memvisor.qemu.scan;

/**
 * The distinct page contents seen so far, keyed by their 128-bit hash, each with the set of guests
 * (up to 64) that hold it. Open addressing with linear probing over primitive arrays, so a scan of
 * millions of pages allocates a few arrays rather than an object per page.
 */
final class PageSet {
    /** {@link #add} result: the content was new to every guest. */
    static final int NEW = 0;
    /** {@link #add} result: another guest had it, this guest had not. */
    static final int NEW_TO_GUEST = 1;
    /** {@link #add} result: this guest already had it. */
    static final int SEEN_IN_GUEST = 2;

    private long[] hi;
    private long[] lo;
    private long[] guests;
    private boolean[] used;
    private int size;

    PageSet(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        alloc(cap);
    }

    private void alloc(int cap) {
        hi = new long[cap];
        lo = new long[cap];
        guests = new long[cap];
        used = new boolean[cap];
    }

    /** The number of distinct contents. */
    int size() { return size; }

    /** Records that guest {@code guest} (0..63) holds the content {@code (h, l)}. */
    int add(long h, long l, int guest) {
        if (size * 2 >= used.length) grow();
        long bit = 1L << guest;
        int mask = used.length - 1;
        int i = (int) (l ^ (l >>> 32)) & mask;
        while (used[i]) {
            if (hi[i] == h && lo[i] == l) {
                if ((guests[i] & bit) != 0) return SEEN_IN_GUEST;
                guests[i] |= bit;
                return NEW_TO_GUEST;
            }
            i = (i + 1) & mask;
        }
        used[i] = true;
        hi[i] = h;
        lo[i] = l;
        guests[i] = bit;
        size++;
        return NEW;
    }

    private void grow() {
        long[] oh = hi, ol = lo, og = guests;
        boolean[] ou = used;
        alloc(used.length * 2);
        int mask = used.length - 1;
        for (int j = 0; j < ou.length; j++) {
            if (!ou[j]) continue;
            int i = (int) (ol[j] ^ (ol[j] >>> 32)) & mask;
            while (used[i]) i = (i + 1) & mask;
            used[i] = true;
            hi[i] = oh[j];
            lo[i] = ol[j];
            guests[i] = og[j];
        }
    }
}
