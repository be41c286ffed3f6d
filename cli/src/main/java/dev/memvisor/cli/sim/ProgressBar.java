package dev.memvisor.cli.sim;

import dev.memvisor.sim.engine.Simulation;

import java.io.PrintWriter;

/** A one-line progress bar on stderr, shown only once a run has taken more than two seconds. */
final class ProgressBar implements Simulation.Progress {
    private static final long SHOW_AFTER_NANOS = 2_000_000_000L;
    private final PrintWriter err;
    private final String label;
    private final long start = System.nanoTime();
    private boolean shown;
    private int lastPct = -1;

    ProgressBar(PrintWriter err, String label) {
        this.err = err;
        this.label = label;
    }

    @Override
    public void update(long doneMicros, long totalMicros) {
        long elapsed = System.nanoTime() - start;
        if (elapsed < SHOW_AFTER_NANOS) return;
        int pct = (int) (100 * doneMicros / Math.max(1, totalMicros));
        if (pct == lastPct) return;
        lastPct = pct;
        shown = true;
        int filled = pct / 4;
        err.print("\r" + label + " [" + "#".repeat(filled) + " ".repeat(25 - filled) + "] " + pct + "% "
                + doneMicros / 1_000_000 + "/" + totalMicros / 1_000_000 + " s simulated, " + elapsed / 1_000_000_000 + " s");
        err.flush();
    }

    /** Ends the bar's line if it was shown. */
    void finish() {
        if (shown) {
            err.println();
            err.flush();
        }
    }
}
