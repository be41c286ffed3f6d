package dev.memvisor.measure.cpu;

import dev.memvisor.measure.series.IntervalSeries;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The correction on hand-worked series, and its invariants as properties. */
class CpuCorrectorTest {
    static final long T0 = 1_700_000_000_000L;

    /** Averages a per-second rate function over consecutive intervals of {@code step} seconds. */
    static IntervalSeries sample(double[] perSecond, int step, long startMillis) {
        int n = perSecond.length / step;
        long[] t = new long[n + 1];
        double[] v = new double[n + 1];
        t[0] = startMillis;
        v[0] = Double.NaN;
        for (int i = 1; i <= n; i++) {
            double sum = 0;
            for (int s = (i - 1) * step; s < i * step; s++) sum += perSecond[s];
            t[i] = startMillis + (long) i * step * 1000L;
            v[i] = sum / step;
        }
        return new IntervalSeries(t, v);
    }

    @Test
    void averageWeighsPartialIntervalsByTheirOverlap() {
        IntervalSeries s = new IntervalSeries(new long[] {0, 10, 20, 30}, new double[] {Double.NaN, 1, 3, Double.NaN});
        double[] cov = new double[1];
        assertThat(s.average(5, 15, cov)).isEqualTo(2.0);
        assertThat(cov[0]).isEqualTo(1.0);
        assertThat(s.average(15, 35, cov)).isEqualTo(3.0); // only 15..20 has a value
        assertThat(cov[0]).isEqualTo(0.25);
        assertThat(s.average(0, 10, cov)).isEqualTo(1.0);
    }

    @Test
    void aFirstValueCoversOneIntervalBeforeItsTime() {
        IntervalSeries esxtop = new IntervalSeries(new long[] {10, 20, 30}, new double[] {4, 6, 8});
        double[] cov = new double[1];
        assertThat(esxtop.start()).isEqualTo(0);
        assertThat(esxtop.average(0, 30, cov)).isEqualTo(6.0);
        assertThat(cov[0]).isEqualTo(1.0);
        IntervalSeries perfmon = new IntervalSeries(new long[] {10, 20, 30}, new double[] {Double.NaN, 6, 8});
        assertThat(perfmon.start()).isEqualTo(10);
    }

    @Test
    void halvedGuestAccountingIsDoubledBackProcessByProcess() {
        // 20 minutes; the VM really uses 120 % of one processor on 2 vCPUs: 80 % by "sql", 40 % by "web".
        double[] sql = new double[1200], web = new double[1200], host = new double[1200], guestAvg = new double[1200];
        for (int s = 0; s < 1200; s++) {
            sql[s] = 80;
            web[s] = 40;
            host[s] = 120;
            guestAvg[s] = 120 / 2.0 * 0.5; // the guest sees half its real time (lost ticks), per processor
        }
        GuestCpu guest = new GuestCpu(sample(guestAvg, 15, T0), 2, Map.of("sql", sample(halve(sql), 15, T0)));
        CorrectionResult r = CpuCorrector.correct("vm", sample(host, 20, T0), guest, 2, 0, false, 300_000);
        assertThat(r.windows()).hasSize(4);
        for (CorrectionWindow w : r.windows()) {
            assertThat(w.hostCpuPct()).isCloseTo(120, within(1e-9));
            assertThat(w.guestCpuPct()).isCloseTo(60, within(1e-9));
            assertThat(w.w()).isCloseTo(2.0, within(1e-12));
            assertThat(w.processes().get("sql").reportedPct()).isCloseTo(40, within(1e-9));
            assertThat(w.processes().get("sql").correctedPct()).isCloseTo(80, within(1e-9));
        }
        assertThat(r.warnings()).isEmpty();
    }

    @Test
    void shortWindowsWarnWithTheReason() {
        double[] flat = new double[600];
        java.util.Arrays.fill(flat, 50);
        CorrectionResult r = CpuCorrector.correct("vm", sample(flat, 20, T0), new GuestCpu(sample(flat, 15, T0), 1, Map.of()), 1, 0, false, 60_000);
        assertThat(r.windows()).hasSize(10);
        assertThat(r.warnings().get(0)).contains("under 5 minutes").contains("64 times a second");
    }

    @Test
    void noOverlapGivesNoWindowsAndSaysWhy() {
        double[] flat = new double[600];
        java.util.Arrays.fill(flat, 50);
        CorrectionResult r = CpuCorrector.correct("vm", sample(flat, 20, T0), new GuestCpu(sample(flat, 15, T0 + 3_600_000), 1, Map.of()), 1, 0, false, 300_000);
        assertThat(r.windows()).isEmpty();
        assertThat(r.warnings().get(0)).contains("overlap").contains("clock offset");
    }

    @Property(tries = 60)
    void wOfUndistortedDataIsOne(@ForAll("loads") double[] perSecond, @ForAll @IntRange(min = 1, max = 8) int vcpus,
                                 @ForAll("divisorsOf300") int guestStep) {
        double[] perProcessor = perSecond.clone();
        for (int i = 0; i < perProcessor.length; i++) perProcessor[i] /= vcpus;
        GuestCpu guest = new GuestCpu(sample(perProcessor, guestStep, T0), vcpus, Map.of("p", sample(perSecond, guestStep, T0)));
        CorrectionResult r = CpuCorrector.correct("vm", sample(perSecond, 20, T0), guest, vcpus, 0, false, 300_000);
        assertThat(r.windows()).isNotEmpty();
        for (CorrectionWindow w : r.windows()) {
            assertThat(w.w()).isCloseTo(1.0, within(1e-9));
            assertThat(w.processes().get("p").correctedPct()).isCloseTo(w.hostCpuPct(), within(1e-6));
        }
    }

    @Property(tries = 60)
    void shiftingBothSeriesByTheSameOffsetChangesNothing(@ForAll("loads") double[] perSecond, @ForAll("loads") double[] guestLoad,
                                                         @ForAll @LongRange(min = -100_000_000, max = 100_000_000) long shift,
                                                         @ForAll @IntRange(min = 1, max = 30) int guestStep) {
        IntervalSeries host = sample(perSecond, 20, T0);
        GuestCpu guest = new GuestCpu(sample(guestLoad, guestStep, T0 + 7_000), 2, Map.of("p", sample(guestLoad, guestStep, T0 + 7_000)));
        GuestCpu moved = new GuestCpu(guest.totalPct().shifted(shift), 2, Map.of("p", guest.processes().get("p").shifted(shift)));
        List<CorrectionWindow> a = CpuCorrector.correct("vm", host, guest, 2, 0, false, 300_000).windows();
        List<CorrectionWindow> b = CpuCorrector.correct("vm", host.shifted(shift), moved, 2, 0, false, 300_000).windows();
        assertThat(b).hasSameSizeAs(a);
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i).start() - a.get(i).start()).isEqualTo(shift);
            assertThat(b.get(i).hostCpuPct()).isCloseTo(a.get(i).hostCpuPct(), within(1e-9));
            assertThat(b.get(i).guestCpuPct()).isCloseTo(a.get(i).guestCpuPct(), within(1e-9));
            assertThat(b.get(i).processes().get("p").correctedPct()).isCloseTo(a.get(i).processes().get("p").correctedPct(), within(1e-6));
        }
    }

    @Test
    void theClockOffsetIsRecoveredFromVaryingLoad() {
        java.util.Random rnd = new java.util.Random(7);
        double[] load = new double[3600];
        double level = 50;
        for (int s = 0; s < load.length; s++) {
            if (s % 40 == 0) level = 10 + rnd.nextInt(180);
            load[s] = level;
        }
        IntervalSeries host = sample(load, 20, T0);
        // The guest clock runs 45 s behind: guest time + 45 s = host time.
        IntervalSeries guest = sample(load, 15, T0).shifted(-45_000);
        ClockOffsetEstimator.Estimate e = ClockOffsetEstimator.estimate(host, guest, 300_000, 5_000);
        assertThat(e.offsetMillis()).isEqualTo(45_000);
        assertThat(e.correlation()).isGreaterThan(0.95); // below 1: guest intervals straddle host ones
    }

    /**
     * Guest intervals that tile a 5-minute window: with intervals that straddle a window edge, the even-spread
     * assumption of {@link IntervalSeries#average} (not the correction) would make w differ from 1.
     */
    @Provide
    Arbitrary<Integer> divisorsOf300() {
        return Arbitraries.of(1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 25, 30);
    }

    @Provide
    Arbitrary<double[]> loads() {
        // 20 to 60 minutes of per-second CPU, in steps held for a few seconds, 0.5 to 400 % of one processor.
        return Arbitraries.doubles().between(0.5, 400).array(double[].class).ofMinSize(1200 / 10).ofMaxSize(3600 / 10)
                .map(steps -> {
                    double[] s = new double[steps.length * 10];
                    for (int i = 0; i < s.length; i++) s[i] = steps[i / 10];
                    return s;
                });
    }

    private static double[] halve(double[] a) {
        double[] b = a.clone();
        for (int i = 0; i < b.length; i++) b[i] /= 2;
        return b;
    }
}
