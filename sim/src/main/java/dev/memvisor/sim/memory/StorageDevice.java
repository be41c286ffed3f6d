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
 * device as reads do.
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
    private double demandNs;
    private double rho;
    private long requests;
    /** Per requester (VM index): service time asked this step, and its smoothed share of the utilisation. */
    private double[] ownDemandNs = new double[0];
    private double[] ownRho = new double[0];

    /** A device that reads a page in {@code latencyNs} when idle, transfers {@code bytesPerSecond} and serves {@code parallelism} requests at once. */
    public StorageDevice(long latencyNs, long bytesPerSecond, int parallelism) {
        if (bytesPerSecond <= 0 || parallelism < 1 || latencyNs < 0) {
            throw new IllegalArgumentException("latency " + latencyNs + " ns, " + bytesPerSecond + " B/s, parallelism " + parallelism);
        }
        this.latencyNs = latencyNs;
        this.nsPerPage = PAGE * 1e9 / bytesPerSecond;
        this.parallelism = parallelism;
    }

    /**
     * Reads {@code pages} adjacent pages in one request of requester {@code who} (a VM index), one of whose
     * {@code threads} threads waits for it; returns how long it waits, ns.
     */
    public double read(int pages, int who, int threads) {
        double service = latencyNs + pages * nsPerPage;
        ask(who, service);
        requests++;
        double ahead = Math.max(0, rho - (who < ownRho.length ? ownRho[who] : 0) / threads);
        return service / (1 - Math.min(MAX_RHO, ahead));
    }

    /** Writes {@code pages} pages for {@code who} (a part of a sequential cluster); nobody waits for them, but they load the device. */
    public void write(int pages, int who) {
        ask(who, pages * (nsPerPage + latencyNs / WRITE_CLUSTER));
    }

    private void ask(int who, double ns) {
        demandNs += ns;
        if (who >= ownDemandNs.length) {
            ownDemandNs = java.util.Arrays.copyOf(ownDemandNs, who + 1);
            ownRho = java.util.Arrays.copyOf(ownRho, who + 1);
        }
        ownDemandNs[who] += ns;
    }

    /** A step of {@code dtNs} ended: the utilisation follows what was asked of the device in it. */
    public void endStep(double dtNs) {
        double alpha = Math.min(1, dtNs / SMOOTHING_NS), capacity = dtNs * parallelism;
        rho += (Math.min(MAX_RHO, demandNs / capacity) - rho) * alpha;
        demandNs = 0;
        for (int i = 0; i < ownRho.length; i++) {
            ownRho[i] += (Math.min(MAX_RHO, ownDemandNs[i] / capacity) - ownRho[i]) * alpha;
            ownDemandNs[i] = 0;
        }
    }

    /** The device's smoothed utilisation, 0 to 0.95. */
    public double utilisation() { return rho; }

    /** Read requests served so far. */
    public long requests() { return requests; }
}
