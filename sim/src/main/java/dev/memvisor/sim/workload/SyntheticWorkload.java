package dev.memvisor.sim.workload;

import dev.memvisor.sim.Rng;

import java.util.List;

/**
 * A synthetic application: a working set it first populates, then references with Zipf skew and a
 * read/write mix, in phases of fixed work; it may grow up to a cap (a database buffer pool) and
 * trim its resident pages, not its data, on the guest's low-memory notification (as SQL Server does). Its hottest pages, the first
 * {@code readOnlyPages} virtual pages, are read and never written: code, shared libraries, files it
 * reads (loaded from the image, so identical guests keep sharing them while they run). With {@code readRun} above
 * one it reads in requests of that many pages (a file read: the aligned block of virtual pages around the page
 * drawn, referenced one after the other), while {@code writeFraction} stays the share of page references that write.
 */
public final class SyntheticWorkload extends Workload {
    /** One phase: references to make ({@code rate == 0}: a timed idle phase), its working set and mix. */
    public record Phase(long durationMicros, int workingSetPages, double skew, double writeFraction, long refsPerSecond, double cpu) {}

    private static final double IDLE_CPU = 0.02;
    private final List<Phase> phases;
    private final boolean repeat;
    private final int maxPages;
    private final double growthPagesPerMicro;
    private final boolean trims;
    private final boolean populateWrites;
    private final int readOnlyPages;
    private final int readRun;
    /** A batch's references as drawn, before reads are expanded into runs. */
    private int[] drawn = new int[0];
    private final Rng rng;
    private int phase = -1;
    private long refsLeft;
    private long timedLeftMicros;
    private boolean done;
    private double n;
    private int touched;
    private int floorPages;
    private ZipfTable zipf;
    private int writeThreshold;
    /** A batch's random draws, made in one vectorizable pass before the Zipf lookups. */
    private long[] draws = new long[256];

    /**
     * @param populateWrites whether first touches write (the application builds its data) or read (it loads image files)
     */
    public SyntheticWorkload(List<Phase> phases, boolean repeat, int maxPages, double growthPagesPerSecond,
                             boolean trims, boolean populateWrites, Rng rng) {
        this(phases, repeat, maxPages, growthPagesPerSecond, trims, populateWrites, 0, rng);
    }

    /**
     * @param populateWrites whether first touches write (the application builds its data) or read (it loads image files)
     * @param readOnlyPages  its first virtual pages, never written (first touched by reading them)
     */
    public SyntheticWorkload(List<Phase> phases, boolean repeat, int maxPages, double growthPagesPerSecond,
                             boolean trims, boolean populateWrites, int readOnlyPages, Rng rng) {
        this(phases, repeat, maxPages, growthPagesPerSecond, trims, populateWrites, readOnlyPages, 1, rng);
    }

    /**
     * @param populateWrites whether first touches write (the application builds its data) or read (it loads image files)
     * @param readOnlyPages  its first virtual pages, never written (first touched by reading them)
     * @param readRun        pages one read request spans (1: single pages)
     */
    public SyntheticWorkload(List<Phase> phases, boolean repeat, int maxPages, double growthPagesPerSecond,
                             boolean trims, boolean populateWrites, int readOnlyPages, int readRun, Rng rng) {
        if (phases.isEmpty()) throw new IllegalArgumentException("a workload needs at least one phase");
        if (readRun < 1) throw new IllegalArgumentException("readRun " + readRun);
        this.readRun = readRun;
        this.phases = List.copyOf(phases);
        this.repeat = repeat;
        this.maxPages = maxPages;
        this.growthPagesPerMicro = growthPagesPerSecond / 1e6;
        this.trims = trims;
        this.populateWrites = populateWrites;
        this.readOnlyPages = readOnlyPages;
        this.rng = rng;
        nextPhase();
    }

    private void nextPhase() {
        phase++;
        if (phase == phases.size()) {
            if (!repeat) { done = true; return; }
            phase = 0;
        }
        Phase p = phases.get(phase);
        n = Math.min(maxPages, Math.max(1, p.workingSetPages()));
        floorPages = Math.max(1, (int) n / 4);
        refsLeft = p.refsPerSecond() == 0 ? 0 : Math.max(1, p.durationMicros() * p.refsPerSecond() / 1_000_000L);
        timedLeftMicros = p.refsPerSecond() == 0 ? p.durationMicros() : 0;
        wallNsPerRef = p.refsPerSecond() == 0 ? 0 : 1e9 / p.refsPerSecond();
        cpuNsPerRef = wallNsPerRef * p.cpu();
        // with read runs of k pages a draw that reads makes k references: a draw writes with p = wk / (1 - w + wk), so
        // that w of the references write
        double w = p.writeFraction(), draw = readRun == 1 ? w : w * readRun / (1 - w + w * readRun);
        writeThreshold = (int) Math.round(draw * 65536);
        zipf = null;
    }

    @Override
    public int fill(int[] buf, int max) {
        if (done || refsLeft == 0) return 0;
        int len = (int) Math.min(max, refsLeft);
        int ws = (int) n;
        int i = 0;
        int w = populateWrites ? 1 : 0;
        int ro = readOnlyPages;
        while (touched < ws && i < len) {
            buf[i++] = touched << 1 | (touched < ro ? 0 : w);
            touched++;
        }
        if (i < len) {
            if (zipf == null || ws < zipf.size() || ws > zipf.size() + zipf.size() / 100) zipf = new ZipfTable(ws, phases.get(phase).skew());
            if (draws.length < len - i) draws = new long[len];
            rng.fill(draws, len - i);
            zipf.references(draws, len - i, buf, i, writeThreshold);
            if (readRun > 1) expandReadRuns(buf, i, len, ws);
            if (ro > 0) {
                // the read-only pages are never written (only when there are any: the common case pays nothing)
                for (int k = i; k < len; k++) if (buf[k] >>> 1 < ro) buf[k] &= ~1;
            }
        }
        refsLeft -= len;
        if (refsLeft == 0) nextPhase();
        return len;
    }

    /** Turns each read drawn into {@code buf[from..to)} into the run of its aligned block's pages, filling up to {@code to}. */
    private void expandReadRuns(int[] buf, int from, int to, int ws) {
        int n = to - from;
        if (drawn.length < n) drawn = new int[n];
        System.arraycopy(buf, from, drawn, 0, n);
        int out = from;
        // every draw yields at least one reference, so the draws last until the batch is full
        for (int t = 0; out < to; t++) {
            int r = drawn[t];
            if ((r & 1) != 0) {
                buf[out++] = r;
                continue;
            }
            int v = r >>> 1, start = v - v % readRun, end = Math.min(ws, start + readRun);
            for (int u = start; u < end && out < to; u++) buf[out++] = u << 1;
        }
    }

    @Override
    public void advance(long nowMicros, long dtMicros, VirtualMemory mem) {
        if (done) return;
        if (timedLeftMicros > 0) {
            timedLeftMicros -= dtMicros;
            if (timedLeftMicros <= 0) nextPhase();
            return;
        }
        // an application that trims on low memory grows only while the guest says memory is plentiful (as SQL
        // Server grows its buffer pool on the high-memory notification), so it holds between the two notifications
        if (growthPagesPerMicro > 0 && n < maxPages && (!trims || mem.memoryHigh())) {
            // the skew table is rebuilt only once the working set has grown by 1 % (see fill)
            n = Math.min(maxPages, n + growthPagesPerMicro * dtMicros);
        }
    }

    /**
     * Trims a tenth of its resident pages, the coldest (highest) first, down to a quarter of the phase's working set:
     * as SQL Server shrinks its buffer pool on the low-memory notification, the pages leave, not the data. It goes on
     * referencing its whole working set, and a reference to a trimmed page is a miss at the cost of what backs it (the
     * guest's swap for anonymous pages, its files for file-backed ones).
     */
    @Override
    public boolean lowMemory(VirtualMemory mem) {
        if (!trims || done) return false;
        int resident = mem.residentPages(), take = Math.min(resident / 10, resident - floorPages);
        return take > 0 && mem.trim(touched, take) > 0;
    }

    @Override
    public double cpuDemand() {
        if (done) return 0;
        return timedLeftMicros > 0 ? IDLE_CPU : phases.get(phase).cpu();
    }

    /** The fastest phase's rate; 0 with a timed phase (the batch that ends the phase before it is charged at the timed phase's 0). */
    @Override
    public double minWallNsPerRef() {
        double min = Double.MAX_VALUE;
        for (Phase p : phases) {
            if (p.refsPerSecond() == 0) return 0;
            min = Math.min(min, 1e9 / p.refsPerSecond());
        }
        return min;
    }

    @Override
    public boolean done() { return done; }

    @Override
    public int vpnSpace() { return maxPages; }

    @Override
    public int workingSetPages() { return (int) n; }
}
