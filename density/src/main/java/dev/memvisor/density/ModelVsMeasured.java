package dev.memvisor.density;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The simulator against real guests, step by step (issue 13 item 8): for each policy both ran and each
 * guest count both measured, the balloons, the memory page sharing saved, the host swap in use and the
 * guests' progress, real and simulated, with the model's error against the measurement. The bands are
 * the issue's: 15 % for balloon reclaim, sharing and swap volume, 25 % for guest progress.
 */
public final class ModelVsMeasured {
    /** Byte figures closer than this count as equal when the measurement is 0 (a relative error has no meaning there). */
    public static final long BYTES_EQUAL_AT_ZERO = 1L << 20;

    /** A quantity compared, its band and how a step gives it. */
    public enum Quantity {
        /** Memory held by balloons, all guests. */
        BALLOONS("balloons", 0.15, true),
        /** Memory saved by page sharing (KSM profit / the simulator's shared-saved). */
        SHARED("shared", 0.15, true),
        /** Host swap in use at the window's end. */
        HOST_SWAP("host swap", 0.15, true),
        /** The guests' mean progress against their standalone baselines (1 = as fast as alone). */
        PROGRESS("progress", 0.25, false);

        private final String label;
        private final double band;
        private final boolean bytes;

        Quantity(String label, double band, boolean bytes) {
            this.label = label;
            this.band = band;
            this.bytes = bytes;
        }

        /** The name in tables and JSON. */
        public String label() { return label; }

        /** The largest relative error that passes. */
        public double band() { return band; }

        /** Whether the values are bytes (else a ratio). */
        public boolean bytes() { return bytes; }

        double of(StepResult s) {
            switch (this) {
                case BALLOONS: return s.balloonBytes();
                case SHARED: return s.sharedBytes();
                case HOST_SWAP: return s.hostSwapBytes();
                default: return meanProgress(s);
            }
        }
    }

    /**
     * One comparison.
     *
     * @param policy   the policy
     * @param guests   guests running at that step
     * @param quantity what is compared
     * @param real     the measurement on real guests
     * @param sim      the simulator's figure
     */
    public record Row(String policy, int guests, Quantity quantity, double real, double sim) {
        /** (sim - real) / real; 0 when both are (nearly) 0; NaN when only the measurement is 0. */
        public double error() {
            double tolerance = quantity.bytes() ? BYTES_EQUAL_AT_ZERO : 1e-9;
            if (Math.abs(real) < tolerance) return Math.abs(sim) < tolerance ? 0 : Double.NaN;
            return (sim - real) / real;
        }

        /**
         * Whether either side shows the mechanism at work (1 MiB or more of bytes; progress 2 % or more below
         * alone): rows where both sides are idle agree trivially and are left out of the summary.
         */
        public boolean active() {
            if (quantity.bytes()) return Math.abs(real) >= BYTES_EQUAL_AT_ZERO || Math.abs(sim) >= BYTES_EQUAL_AT_ZERO;
            return real < 0.98 || sim < 0.98;
        }

        /** Whether the error is within the quantity's band. */
        public boolean within() {
            double e = error();
            return !Double.isNaN(e) && Math.abs(e) <= quantity.band() + 1e-12;
        }
    }

    /**
     * One quantity over every row.
     *
     * @param quantity    what
     * @param rows        steps compared where the mechanism was at work on either side ({@link Row#active()})
     * @param within      of those, within the band
     * @param medianError the median absolute error of the rows that have one (NaN when none)
     */
    public record Summary(Quantity quantity, int rows, int within, double medianError) {
        /** Whether the median step is within the band. */
        public boolean pass() { return !Double.isNaN(medianError) && medianError <= quantity.band() + 1e-12; }
    }

    private ModelVsMeasured() {}

    /** Every row, by policy, then guests, then quantity; empty unless real and simulated results exist. */
    public static List<Row> rows(DensityReport r) {
        List<Row> out = new ArrayList<>();
        for (String p : r.policies()) {
            PolicyResult real = r.real().get(p), sim = r.sim().get(p);
            if (real == null || sim == null) continue;
            for (StepResult a : real.steps()) {
                StepResult b = sim.steps().stream().filter(s -> s.guests() == a.guests()).findFirst().orElse(null);
                if (b == null) continue;
                for (Quantity q : Quantity.values()) out.add(new Row(p, a.guests(), q, q.of(a), q.of(b)));
            }
        }
        return out;
    }

    /** Per quantity over the {@linkplain Row#active() active} rows. */
    public static List<Summary> summary(List<Row> rows) {
        List<Summary> out = new ArrayList<>();
        for (Quantity q : Quantity.values()) {
            List<Row> mine = rows.stream().filter(x -> x.quantity() == q && x.active()).toList();
            double[] errors = mine.stream().mapToDouble(Row::error).filter(e -> !Double.isNaN(e)).map(Math::abs).sorted().toArray();
            // a row whose measurement is 0 but the model's is not has no relative error; it counts as the worst
            int undefined = (int) mine.stream().filter(x -> Double.isNaN(x.error())).count();
            double[] all = Arrays.copyOf(errors, errors.length + undefined);
            Arrays.fill(all, errors.length, all.length, Double.POSITIVE_INFINITY);
            double median = all.length == 0 ? Double.NaN : all[(all.length - 1) / 2];
            out.add(new Summary(q, mine.size(), (int) mine.stream().filter(Row::within).count(), median));
        }
        return out;
    }

    /** The guests' mean progress against their baselines: the mean of 1 / slowdown (0 for a guest that made none). */
    public static double meanProgress(StepResult s) {
        double[] d = s.slowdowns();
        if (d.length == 0) return 0;
        double sum = 0;
        for (double x : d) sum += Double.isInfinite(x) || x <= 0 ? 0 : 1 / x;
        return sum / d.length;
    }
}
