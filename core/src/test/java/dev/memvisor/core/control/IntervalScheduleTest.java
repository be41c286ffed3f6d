package dev.memvisor.core.control;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class IntervalScheduleTest {

    @Test
    void onTimeDecisionsFallOnTheGrid() {
        IntervalSchedule s = new IntervalSchedule(2000, 0);
        assertThat(s.due(0)).isTrue();
        assertThat(s.due(1999)).isFalse();
        assertThat(s.due(2000)).isTrue();
        assertThat(s.nextMillis()).isEqualTo(4000);
    }

    @Test
    void aStallSkipsTheMissedDeadlinesInsteadOfReplayingThem() {
        IntervalSchedule s = new IntervalSchedule(2000, 0);
        assertThat(s.due(0)).isTrue();
        // a 60 s stall: one decision now, the next back on the grid (not 29 decisions back to back)
        assertThat(s.missedAt(61_000)).isEqualTo(29);
        assertThat(s.due(61_000)).isTrue();
        assertThat(s.due(61_001)).isFalse();
        assertThat(s.due(61_999)).isFalse();
        assertThat(s.nextMillis()).isEqualTo(62_000);
        assertThat(s.due(62_000)).isTrue();
    }

    @Property
    void neverMoreDecisionsThanIntervalsElapsedAndNeverTwoWithinAnInterval(
            @ForAll @LongRange(min = 1, max = 10_000) long interval,
            @ForAll @Size(max = 200) List<@LongRange(min = 0, max = 50_000) Long> gaps) {
        IntervalSchedule s = new IntervalSchedule(interval, 0);
        long now = 0, last = Long.MIN_VALUE / 2, count = 0;
        for (long g : gaps) {
            now += g;
            if (s.due(now)) {
                assertThat(now - last).isGreaterThanOrEqualTo(interval > 0 && last > Long.MIN_VALUE / 2 ? 1 : 0);
                // the next deadline is on the grid and strictly in the future
                assertThat(s.nextMillis() % interval).isZero();
                assertThat(s.nextMillis()).isGreaterThan(now).isLessThanOrEqualTo(now + interval);
                last = now;
                count++;
            }
        }
        assertThat(count).isLessThanOrEqualTo(now / interval + 1);
    }
}
