package dev.memvisor.core.active;

import java.util.Arrays;
import java.util.function.LongPredicate;
import java.util.random.RandomGenerator;

/**
 * Picks the pages to watch in one sampling period: n distinct pages chosen uniformly at random
 * (all pages when the VM has no more than n). Source: Waldspurger, OSDI 2002, section 5.3
 * (invalidate n random pages, count those touched by the end of the period).
 */
public final class PageSampler {
    private PageSampler() {}

    /** n distinct page numbers in [0, pageCount), sorted; randomness comes from {@code rng}. */
    public static long[] pick(RandomGenerator rng, long pageCount, int n) {
        if (pageCount < 0) throw new IllegalArgumentException("pageCount must be >= 0, got " + pageCount);
        if (n < 0) throw new IllegalArgumentException("n must be >= 0, got " + n);
        if (pageCount <= n) {
            long[] all = new long[(int) pageCount];
            for (int i = 0; i < all.length; i++) all[i] = i;
            return all;
        }
        // Floyd's algorithm: n distinct values with n draws, no per-page state.
        long[] picked = new long[n];
        int size = 0;
        for (long j = pageCount - n; j < pageCount; j++) {
            long t = rng.nextLong(j + 1);
            picked[size++] = contains(picked, size - 1, t) ? j : t;
        }
        Arrays.sort(picked);
        return picked;
    }

    /** Samples n pages and counts how many {@code touched} reports as used during the period. */
    public static int countTouched(RandomGenerator rng, long pageCount, int n, LongPredicate touched) {
        int count = 0;
        for (long page : pick(rng, pageCount, n)) if (touched.test(page)) count++;
        return count;
    }

    private static boolean contains(long[] a, int len, long v) {
        for (int i = 0; i < len; i++) if (a[i] == v) return true;
        return false;
    }
}
