package dev.memvisor.density;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The simulator-against-real comparison: which steps meet, how an error is taken and what the summary counts. */
class ModelVsMeasuredTest {
    private static final long MIB = 1L << 20;

    @Property(tries = 300)
    void errorsAreRelativeToTheMeasurementAndTheBandDecidesWithin(@ForAll @LongRange(min = 0, max = 4096) long realMib,
                                                                 @ForAll @LongRange(min = 0, max = 4096) long simMib,
                                                                 @ForAll @DoubleRange(min = 0.05, max = 1) double realProgress,
                                                                 @ForAll @DoubleRange(min = 0.05, max = 1) double simProgress) {
        for (ModelVsMeasured.Quantity q : ModelVsMeasured.Quantity.values()) {
            double real = q.bytes() ? realMib * MIB : realProgress, sim = q.bytes() ? simMib * MIB : simProgress;
            ModelVsMeasured.Row row = new ModelVsMeasured.Row("esx", 1, q, real, sim);
            if (q.bytes() && realMib == 0) {
                // no relative error against nothing measured: equal only when the model has nothing either
                assertThat(Double.isNaN(row.error())).isEqualTo(simMib != 0);
            } else {
                assertThat(row.error()).isCloseTo((sim - real) / real, org.assertj.core.api.Assertions.within(1e-12));
            }
            assertThat(row.within()).isEqualTo(!Double.isNaN(row.error()) && Math.abs(row.error()) <= q.band() + 1e-12);
        }
    }

    @Property(tries = 200)
    void onlyStepsBothMeasuredAreComparedAndTheSummaryCountsOnlyActiveOnes(@ForAll @IntRange(min = 1, max = 10) int realSteps,
                                                                           @ForAll @IntRange(min = 1, max = 10) int simSteps,
                                                                           @ForAll @IntRange(min = 0, max = 3) int idleSteps) {
        PolicyResult real = run(realSteps, idleSteps, 100), sim = run(simSteps, idleSteps, 110);
        DensityReport r = new DensityReport(null, null, "TCG", "digest", Map.of(), List.of("esx", "static"), Map.of("esx", real), sim("esx", sim));
        List<ModelVsMeasured.Row> rows = ModelVsMeasured.rows(r);
        int common = Math.min(realSteps, simSteps);
        assertThat(rows).hasSize(common * ModelVsMeasured.Quantity.values().length);
        assertThat(rows).allMatch(x -> x.policy().equals("esx") && x.guests() >= 1 && x.guests() <= common);
        for (ModelVsMeasured.Summary s : ModelVsMeasured.summary(rows)) {
            long active = rows.stream().filter(x -> x.quantity() == s.quantity() && x.active()).count();
            assertThat(s.rows()).isEqualTo(active);
            if (s.quantity() == ModelVsMeasured.Quantity.BALLOONS) {
                // balloons of 100 vs 110 MiB a guest from the first busy step on: +10 %, within 15 %
                assertThat(s.rows()).isEqualTo(Math.max(0, common - idleSteps));
                if (s.rows() > 0) assertThat(s.pass()).isTrue();
                if (s.rows() > 0) assertThat(s.medianError()).isCloseTo(0.10, org.assertj.core.api.Assertions.within(1e-9));
            }
        }
    }

    @Example
    void aModelThatSeesNothingWhereTheHostSwappedIsAMiss() {
        List<StepResult> a = List.of(step(1, 0, 0), step(2, 200 * MIB, 0));
        List<StepResult> b = List.of(step(1, 0, 0), step(2, 0, 0));
        DensityReport r = new DensityReport(null, null, "TCG", "d", Map.of(), List.of("mom"), Map.of("mom", result(a)), Map.of("mom", result(b)));
        ModelVsMeasured.Summary swap = ModelVsMeasured.summary(ModelVsMeasured.rows(r)).stream()
                .filter(s -> s.quantity() == ModelVsMeasured.Quantity.HOST_SWAP).findFirst().orElseThrow();
        assertThat(swap.rows()).isEqualTo(1);
        assertThat(swap.medianError()).isEqualTo(1.0);
        assertThat(swap.pass()).isFalse();
    }

    private static Map<String, PolicyResult> sim(String p, PolicyResult r) {
        Map<String, PolicyResult> m = new LinkedHashMap<>();
        m.put(p, r);
        return m;
    }

    /** {@code steps} steps; the first {@code idle} have no balloon, later ones {@code balloonMib} per guest. */
    private static PolicyResult run(int steps, int idle, long balloonMib) {
        List<StepResult> s = new ArrayList<>();
        for (int k = 1; k <= steps; k++) s.add(step(k, 0, k <= idle ? 0 : balloonMib * MIB * k));
        return result(s);
    }

    private static PolicyResult result(List<StepResult> s) {
        return new PolicyResult("x", s.size(), StopReason.SLOWDOWN, "", s, 0, s.size(), s.size(), 1);
    }

    private static StepResult step(int k, long swap, long balloon) {
        List<GuestMeasure> ms = new ArrayList<>();
        for (int i = 0; i < k; i++) ms.add(new GuestMeasure("g" + i, 10, 10, false));
        return new StepResult(k, ms, swap, 0, balloon, 0, -1);
    }
}
