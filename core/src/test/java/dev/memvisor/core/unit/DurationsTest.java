package dev.memvisor.core.unit;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationsTest {
    @Test
    void parsesEveryUnitAndBareSeconds() {
        assertThat(Durations.parse("4us")).isEqualTo(Duration.ofNanos(4_000));
        assertThat(Durations.parse("100ms")).isEqualTo(Duration.ofMillis(100));
        assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("2d")).isEqualTo(Duration.ofDays(2));
        assertThat(Durations.parse("1.5")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parse(" 5 S ")).isEqualTo(Duration.ofSeconds(5));
        assertThat(Durations.parse("0")).isZero();
        assertThat(Durations.parseMicros("1.5ms")).isEqualTo(1500);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1s", "abc", "", "5x", "s", "1e-999999999s", "nan", "inf"})
    void refusesWithTheTextAndTheAcceptedForms(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'").hasMessageContaining("100ms, 30s, 10m or 1h");
    }

    @Test
    void aHugeDurationSaysTooLargeNotLongOverflow() {
        assertThatThrownBy(() -> Durations.parse("99999999999999999999h")).hasMessageContaining("too large")
                .hasMessageContaining("at most 106751d");
        assertThatThrownBy(() -> Durations.parse("1e400")).hasMessageContaining("1e400");
    }

    @Test
    void printsTheLargestExactUnit() {
        assertThat(Durations.format(Duration.ofMinutes(10))).isEqualTo("10m");
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Durations.format(Duration.ofMillis(100))).isEqualTo("100ms");
        assertThat(Durations.format(Duration.ofNanos(4000))).isEqualTo("4us");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0");
    }

    @Property
    void formatThenParseGivesTheSameMicroseconds(@ForAll @LongRange(min = 0, max = 1L << 50) long micros) {
        Duration d = Duration.ofNanos(micros * 1000);
        assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
    }
}
