package dev.memvisor.sim.memory;

/**
 * A storage device that swap I/O goes to, shared by every VM that uses it. A request for n pages takes
 * its service time, latency + n pages / bandwidth, stretched by queueing behind the other requests:
 * response = service / (1 - rho), the M/M/1 queue (Kleinrock, Queueing Systems, 1975), where rho is the
 * utilisation the request finds ahead of it: the service time asked of the device per second over the
 * requests it serves at once, smoothed over about a second, less the requester's own thread's share (one
 * thread waits for one request at a time: alone on a device it never queues; Schweitzer's approximation of
 * mean value analysis), held below 0.95 (a saturated device answers 20 times slower, not infinitely
 * slowly). Writes (swap-outs) are sequential in clusters of {@value #WRITE_CLUSTER} pages and load the
 * device as reads do. VMs may run a step on several threads: what a read returns depends only on the
 * utilisation of earlier steps and the requester's own share, and each requester adds to its own sums, so the
 * answers are the same on any number of threads.
 */
public final class StorageDevice {
    /** Pages one sequential swap-out write holds (Linux writes swap in clusters; SWAPFILE_CLUSTER is 256). */
    public static final int WRITE_CLUSTER = 32;
    private static final double PAGE = 4096;
    private static final double MAX_RHO = 0.95;
    private static final double SMOOTHING_NS = 1e9;
    private final double latencyNs;
    private final double nsPerPage;
    private final int parallelism;
    private double rho;
    /** Per requester (VM index): service time asked this step, its smoothed share of the utilisation, its reads. */
    private final double[] ownDemandNs;
    private final double[] ownRho;
    private final long[] ownRequests;

    /**
     * A device that reads a page in {@code latencyNs} when idle, transfers {@code bytesPerSecond}, serves
     * {@code parallelism} requests at once, for requesters (VM indexes) {@code 0} to {@code requesters - 1}.
     */
    public StorageDevice(long latencyNs, long bytesPerSecond, int parallelism, int requesters) {
        if (bytesPerSecond <= 0 || parallelism < 1 || latencyNs < 0 || requesters < 1) {
            throw new IllegalArgumentException("latency " + latencyNs + " ns, " + bytesPerSecond + " B/s, parallelism " + parallelism
                    + ", requesters " + requesters);
        }
        this.latencyNs = latencyNs;
        this.nsPerPage = PAGE * 1e9 / bytesPerSecond;
        this.parallelism = parallelism;
        this.ownDemandNs = new double[requesters];
        this.ownRho = new double[requesters];
        this.ownRequests = new long[requesters];
    }

    /**
     * Reads {@code pages} adjacent pages in one request of requester {@code who} (a VM index), one of whose
     * {@code threads} threads waits for it; returns how long it waits, ns.
     */
    public double read(int pages, int who, int threads) {
        double service = latencyNs + pages * nsPerPage;
        ownDemandNs[who] += service;
        ownRequests[who]++;
        double ahead = Math.max(0, rho - ownRho[who] / threads);
        return service / (1 - Math.min(MAX_RHO, ahead));
    }

    /** Writes {@code pages} pages for {@code who} (a part of a sequential cluster); nobody waits for them, but they load the device. */
    public void write(int pages, int who) {
        ownDemandNs[who] += pages * (nsPerPage + latencyNs / WRITE_CLUSTER);
    }

    /**
     * Writes back {@code pages} pages of {@code who} in a sequential cluster as {@link #write} does, and returns how
     * long one of its {@code threads} threads waits for them: their service time stretched by the utilisation ahead,
     * as a read waits (a writer the kernel paces to the device's write bandwidth; see {@link MissCosts#writeback}).
     */
    public double writeBack(int pages, int who, int threads) {
        double service = pages * (nsPerPage + latencyNs / WRITE_CLUSTER);
        ownDemandNs[who] += service;
        double ahead = Math.max(0, rho - ownRho[who] / threads);
        return service / (1 - Math.min(MAX_RHO, ahead));
    }

    /** Pages the device writes in sequential clusters in {@code ns}, all its parallel requests busy. */
    public long pagesWritableIn(double ns) {
        return (long) (ns * parallelism / (nsPerPage + latencyNs / WRITE_CLUSTER));
    }

    /** A step of {@code dtNs} ended: the utilisation follows what was asked of the device in it. */
    public void endStep(double dtNs) {
        double alpha = Math.min(1, dtNs / SMOOTHING_NS), capacity = dtNs * parallelism, demandNs = 0;
        for (double d : ownDemandNs) demandNs += d;
        rho += (Math.min(MAX_RHO, demandNs / capacity) - rho) * alpha;
        for (int i = 0; i < ownRho.length; i++) {
            ownRho[i] += (Math.min(MAX_RHO, ownDemandNs[i] / capacity) - ownRho[i]) * alpha;
            ownDemandNs[i] = 0;
        }
    }

    /** The device's smoothed utilisation, 0 to 0.95. */
    public double utilisation() { return rho; }

    /** Read requests served so far. */
    public long requests() {
        long n = 0;
        for (long r : ownRequests) n += r;
        return n;
    }
}
