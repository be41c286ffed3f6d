package dev.memvisor.cli.sim;

import dev.memvisor.sim.engine.Simulation;

import java.io.PrintWriter;

/**
 * Progress on stderr, shown only once a run has taken more than two seconds: a one-line bar
 * redrawn in place on a terminal, a line every 10 % otherwise (logs, CI).
 */
public final class ProgressBar implements Simulation.Progress {
    private static final long SHOW_AFTER_NANOS = 2_000_000_000L;
    private final PrintWriter err;
    private final String label;
    private final long start = System.nanoTime();
    private boolean shown;
    private int lastPct = -1;
    @SuppressWarnings("SystemConsoleNull") // Java 17: null exactly when stdin/stdout is not a terminal, which is what is meant
    private final boolean terminal = System.console() != null;

    /** A bar labelled {@code label} on {@code err}. */
    public ProgressBar(PrintWriter err, String label) {
        this.err = err;
        this.label = label;
    }

    @Override
    public void update(long doneMicros, long totalMicros) {
        long elapsed = System.nanoTime() - start;
        if (elapsed < SHOW_AFTER_NANOS) return;
        int pct = (int) (100 * doneMicros / Math.max(1, totalMicros));
        if (pct == lastPct || (!terminal && pct / 10 == lastPct / 10 && lastPct >= 0)) return;
        lastPct = pct;
        shown = true;
        int filled = pct / 4;
        err.print((terminal ? "\r" : "") + label + " [" + "#".repeat(filled) + " ".repeat(25 - filled) + "] " + pct + "% "
                + doneMicros / 1_000_000 + "/" + totalMicros / 1_000_000 + " s simulated, " + elapsed / 1_000_000_000 + " s" + (terminal ? "" : "\n"));
        err.flush();
    }

    /** Ends the bar's line if it was shown. */
    public void finish() {
        if (shown && terminal) {
            err.println();
            err.flush();
        }
    }
}
