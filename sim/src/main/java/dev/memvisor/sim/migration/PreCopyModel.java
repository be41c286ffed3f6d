package dev.memvisor.sim.migration;

import java.util.Arrays;

/**
 * Pre-copy live migration, page by page, as QEMU does it (migration/ram.c): a migration bitmap of
 * pages still to send, swept in address order at the bandwidth limit; the guest's writes go to a
 * dirty log that a sync merges into the bitmap. Whenever what is left would fit in the downtime
 * limit at the bandwidth, the model syncs; if it still fits, it pauses the guest and sends the
 * rest (stop-and-copy). Zero pages cost a small marker. Source: Clark et al., "Live Migration of
 * Virtual Machines", NSDI 2005 (pre-copy rounds, stop-and-copy, iteration cap); skipping free
 * pages: Chiang et al., VEE 2013.
 */
public final class PreCopyModel {
    /** Bytes per page. */
    public static final int PAGE = 4096;

    private final PreCopyParams params;

    /** A model with these settings. */
    public PreCopyModel(PreCopyParams params) { this.params = params; }

    /** Migrates (a copy of) {@code guest} while it writes as {@code dirty} says, under {@code strategy}. */
    public PreCopyResult run(GuestPages guest, DirtyModel dirty, MigrationStrategy strategy) {
        GuestPages g = guest.copy();
        int n = g.pages();
        long ballooned = strategy == MigrationStrategy.BALLOON_FIRST ? inflateBalloon(g) : 0;
        long balloonMicros = (long) (ballooned * (double) PAGE * 1e6 / params.balloonRate());

        byte[] toSend = new byte[n];
        byte[] logged = new byte[n];
        int[] log = new int[n];
        int logCount = 0;
        long pending = 0, skipped = 0;
        for (int p = 0; p < n; p++) {
            if (strategy == MigrationStrategy.FREE_PAGE_HINT && g.use[p] == GuestPages.FREE) {
                skipped++; // known free: the hint clears its bit before the sweep reaches it
            } else {
                toSend[p] = 1;
                pending++;
            }
        }
        DirtyStream writes = new DirtyStream(dirty, g.workingSet);
        double nanosPerByte = 1e9 / params.bandwidth();
        double thresholdBytes = params.bandwidth() * params.downtimeLimitMicros() / 1e6;
        long fullCost = (long) PAGE + params.pageHeaderBytes();
        long syncIntervalNanos = params.syncIntervalMicros() * 1000;

        LongList normalRounds = new LongList(), zeroRounds = new LongList();
        long roundNormal = 0, roundZero = 0, zeroPages = 0;
        long bytes = 0, now = 0, lastSync = 0;
        int syncs = 1; // QEMU syncs once at setup
        int cursor = 0;
        boolean converged;
        while (true) {
            // the guest's writes until now land in the dirty log (KVM's), not in the bitmap being swept
            while (writes.nextTimeNanos() <= now) {
                int p = writes.take();
                g.zero[p] = 0;
                if (logged[p] == 0) {
                    logged[p] = 1;
                    log[logCount++] = p;
                }
            }
            // what is left counts every page in full, as QEMU's estimate does: it cannot know a page is zero before reading it;
            // syncing costs a walk of the log, so QEMU does it at most once per iteration window
            boolean fits = pending * fullCost <= thresholdBytes;
            if (fits && (pending == 0 || now - lastSync >= syncIntervalNanos)) {
                for (int i = 0; i < logCount; i++) {
                    int p = log[i];
                    logged[p] = 0;
                    if (toSend[p] == 0) {
                        toSend[p] = 1;
                        pending++;
                    }
                }
                logCount = 0;
                syncs++;
                lastSync = now;
                normalRounds.add(roundNormal);
                zeroRounds.add(roundZero);
                roundNormal = 0;
                roundZero = 0;
                converged = pending * fullCost <= thresholdBytes;
                if (converged || syncs + 1 >= params.maxIterations()) break;
            }
            if (pending == 0) continue; // nothing left to send: the next pass syncs
            while (toSend[cursor] == 0) cursor = cursor + 1 == n ? 0 : cursor + 1;
            toSend[cursor] = 0;
            pending--;
            if (g.zero[cursor] == 1) {
                bytes += params.zeroPageBytes();
                roundZero++;
                zeroPages++;
            } else {
                bytes += fullCost;
                roundNormal++;
            }
            cursor = cursor + 1 == n ? 0 : cursor + 1;
            now = (long) (bytes * nanosPerByte);
        }
        // stop-and-copy: the guest is paused, so the final sync (already merged above) is all that is left
        long stopBytes = 0;
        for (int p = 0; p < n; p++) {
            if (toSend[p] == 0) continue;
            if (g.zero[p] == 1) {
                stopBytes += params.zeroPageBytes();
                roundZero++;
                zeroPages++;
            } else {
                stopBytes += fullCost;
                roundNormal++;
            }
        }
        normalRounds.add(roundNormal);
        zeroRounds.add(roundZero);
        long downtimeNanos = params.stopOverheadMicros() * 1000 + (long) (stopBytes * 1e9 / params.stopCopyBandwidth());
        return new PreCopyResult(strategy, bytes + stopBytes, (now + downtimeNanos) / 1000, downtimeNanos / 1000, syncs + 1,
                normalRounds.toArray(), zeroRounds.toArray(), zeroPages, skipped, ballooned, balloonMicros, converged);
    }

    /**
     * Balloon-first: the balloon grows until the guest keeps its in-use pages plus the headroom,
     * taking free pages in the order the guest hands them out; the host drops them, so they read as zero.
     */
    private long inflateBalloon(GuestPages g) {
        long headroom = params.headroomBytes() < 0 ? (long) g.pages() * PAGE / 16 : params.headroomBytes();
        long keep = g.inUsePages() + (headroom + PAGE - 1) / PAGE;
        long already = (long) g.pages() - g.inUsePages() - g.freePages();
        long take = Math.max(0, Math.min(g.freePages(), g.pages() - keep - already));
        for (int i = 0; i < take; i++) {
            int p = g.freeOrder[i];
            g.use[p] = GuestPages.BALLOONED;
            g.zero[p] = 1;
        }
        return take;
    }

    /** A growable list of longs (the model's per-round counts). */
    private static final class LongList {
        private long[] a = new long[8];
        private int size;

        void add(long v) {
            if (size == a.length) a = Arrays.copyOf(a, size * 2);
            a[size++] = v;
        }

        long[] toArray() { return Arrays.copyOf(a, size); }
    }
}
