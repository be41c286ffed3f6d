package dev.memvisor.core.active;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

class ActiveMemoryEstimatorTest {

    @Test
    void theEstimateRisesAtOnceAndFallsSlowly() {
        var e = new ActiveMemoryEstimator(SamplingConfig.DEFAULT);
        assertThat(e.observe(30_000, 100, 80)).isEqualTo(0.8);
        // Fast half-life = one period: fast = 0.4 after one period; slow = 0.8 * (1 - 2^-0.25).
        assertThat(e.fast()).isCloseTo(0.4, offset(1e-12));
        assertThat(e.slow()).isCloseTo(0.8 * (1 - Math.pow(0.5, 0.25)), offset(1e-12));
        double afterIdle = e.observe(60_000, 100, 0);
        assertThat(e.current()).isZero();
        assertThat(afterIdle).isCloseTo(0.2, offset(1e-12)); // fast: 0.4 halves to 0.2, above the slow average
        for (int p = 3; p <= 40; p++) e.observe(p * 30_000L, 100, 0);
        assertThat(e.estimate()).isLessThan(0.05).isGreaterThan(0);
    }

    @Test
    void theEstimateIsTheLargestOfTheThree() {
        var e = new ActiveMemoryEstimator(SamplingConfig.DEFAULT);
        e.observe(0, 100, 50);
        e.observe(30_000, 100, 10);
        assertThat(e.estimate()).isEqualTo(Math.max(e.current(), Math.max(e.fast(), e.slow())));
        assertThat(e.estimateBytes(1000)).isEqualTo(Math.round(e.estimate() * 1000));
    }

    @Test
    void badSamplesAndTimeGoingBackwardsAreRefused() {
        var e = new ActiveMemoryEstimator(SamplingConfig.DEFAULT);
        assertThatThrownBy(() -> e.observe(0, 10, 11)).hasMessageContaining("touched=11 sampled=10");
        e.observe(1000, 10, 1);
        assertThatThrownBy(() -> e.observe(500, 10, 1)).hasMessageContaining("time went backwards");
        assertThatThrownBy(() -> new SamplingConfig(0, 1, 1, 1)).hasMessageContaining("sampling.samplePages: got 0");
    }

    @Test
    void theSamplerPicksDistinctPagesAndRepeatsFromASeed() {
        long[] a = PageSampler.pick(new SplittableRandom(42), 1_000_000, 100);
        long[] b = PageSampler.pick(new SplittableRandom(42), 1_000_000, 100);
        assertThat(a).hasSize(100).isSorted().doesNotHaveDuplicates().containsExactly(b);
        assertThat(PageSampler.pick(new SplittableRandom(1), 5, 100)).containsExactly(0, 1, 2, 3, 4);
    }

    @Property
    void sampledPagesAreDistinctAndInRange(@ForAll long seed, @ForAll @LongRange(min = 0, max = 5000) long pages,
                                           @ForAll @IntRange(min = 0, max = 200) int n) {
        long[] p = PageSampler.pick(new SplittableRandom(seed), pages, n);
        assertThat(p).hasSize((int) Math.min(pages, n)).doesNotHaveDuplicates();
        for (long x : p) assertThat(x).isBetween(0L, pages - 1);
    }

    @Test
    void samplingEstimatesTheTouchedFraction() {
        // A VM touching every fourth page: 100 samples per period, averaged over 50 periods, come near 25 %.
        RandomGenerator rng = new SplittableRandom(7);
        var e = new ActiveMemoryEstimator(SamplingConfig.DEFAULT);
        double sum = 0;
        for (int p = 1; p <= 50; p++) {
            int touched = PageSampler.countTouched(rng, 262_144, 100, page -> page % 4 == 0);
            e.observe(p * 30_000L, 100, touched);
            sum += e.current();
        }
        assertThat(sum / 50).isCloseTo(0.25, offset(0.03));
        assertThat(e.slow()).isCloseTo(0.25, offset(0.08));
    }
}
