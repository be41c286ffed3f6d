package dev.memvisor.qemu.scan;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Streams guest memory page by page and counts zero pages and pages duplicated within and across
 * guests: the upper bound for content-based page sharing (Waldspurger, OSDI 2002, section 4;
 * Linux KSM). One reusable buffer; per page only a 128-bit hash is kept ({@link PageHash}).
 * Not thread-safe; scan the guests one after the other.
 */
public final class PageScanner {
    /** At most this many guests in one scan (one bit each in {@link PageSet}). */
    public static final int MAX_GUESTS = 64;
    private static final int BUFFER = 8 << 20;

    private final PageSet set;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
    private final List<GuestScan> guests = new ArrayList<>();
    private long totalZero;
    private long sumDistinct;
    private long totalNanos;

    /** A scanner sized for about {@code expectedPages} distinct pages (it grows as needed). */
    public PageScanner(long expectedPages) {
        this.set = new PageSet((int) Math.min(1 << 26, Math.max(1024, expectedPages)));
    }

    /**
     * Scans one guest's memory; {@code progress} receives the bytes done so far every 256 MiB.
     *
     * @throws IllegalStateException after {@value #MAX_GUESTS} guests
     */
    public GuestScan scan(MemorySource src, LongConsumer progress) {
        if (guests.size() >= MAX_GUESTS) throw new IllegalStateException("at most " + MAX_GUESTS + " guests per scan");
        int guest = guests.size();
        long[] h = new long[2];
        long pages = 0, zero = 0, distinct = 0, dup = 0, tail = 0, done = 0, nextReport = 256L << 20;
        long t0 = System.nanoTime();
        for (MemorySource.Segment seg : src.segments()) {
            long pos = seg.offset(), end = seg.offset() + seg.length();
            while (pos < end) {
                buf.clear();
                buf.limit((int) Math.min(BUFFER, end - pos));
                int n = fill(src, pos);
                if (n <= 0) throw new IllegalStateException(src.file() + ": ended at offset " + pos + ", expected data up to " + end + "; truncated?");
                int whole = n & ~(PageHash.PAGE - 1);
                for (int off = 0; off < whole; off += PageHash.PAGE) {
                    if (PageHash.hash(buf, off, h)) {
                        zero++;
                        continue;
                    }
                    int r = set.add(h[0], h[1], guest);
                    if (r == PageSet.SEEN_IN_GUEST) dup++;
                    else distinct++;
                }
                pages += whole / PageHash.PAGE;
                if (whole < n) {
                    if (pos + n < end) throw new IllegalStateException(src.file() + ": short read inside a segment at offset " + pos);
                    tail += n - whole;
                }
                pos += n;
                done += n;
                if (progress != null && done >= nextReport) {
                    progress.accept(done);
                    nextReport += 256L << 20;
                }
            }
        }
        long nanos = System.nanoTime() - t0;
        GuestScan g = new GuestScan(src.name(), pages * PageHash.PAGE, pages, zero, distinct, dup, tail, nanos);
        guests.add(g);
        totalZero += zero;
        sumDistinct += distinct;
        totalNanos += nanos;
        return g;
    }

    /** Reads until the buffer is full or the file ends; returns the bytes read. */
    private int fill(MemorySource src, long pos) {
        int total = 0;
        while (buf.hasRemaining()) {
            int n = src.read(buf, pos + total);
            if (n < 0) break;
            total += n;
        }
        return total;
    }

    /** The figures over every guest scanned so far. */
    public ScanSummary summary() {
        long pages = guests.stream().mapToLong(GuestScan::pages).sum();
        return new ScanSummary(List.copyOf(guests), pages, totalZero, set.size(), sumDistinct - set.size(), totalNanos);
    }
}
