package dev.memvisor.core.settings;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RangeTest {
    @Test
    void bracketsIncludeAndParenthesesExclude() {
        Range r = Range.parse("[0, 1)", Setting.Unit.NONE);
        assertThat(r.contains(0.0)).isTrue();
        assertThat(r.contains(0.999)).isTrue();
        assertThat(r.contains(1.0)).isFalse();
        assertThat(r.contains(-0.0001)).isFalse();
        assertThat(r.contains(Double.NaN)).isFalse();
        assertThat(r.describe("a number")).isEqualTo("a number in [0, 1)");
    }

    @Test
    void openEndsAndUnits() {
        Range sizes = Range.parse("[64M, inf)", Setting.Unit.BYTES);
        assertThat(sizes.contains(BigDecimal.valueOf(64L << 20))).isTrue();
        assertThat(sizes.contains(BigDecimal.valueOf((64L << 20) - 1))).isFalse();
        assertThat(sizes.contains(Double.POSITIVE_INFINITY)).isTrue();
        assertThat(sizes.describe("a size")).isEqualTo("a size >= 64M");
        Range d = Range.parse("(0, 1h]", Setting.Unit.DURATION);
        assertThat(d.contains(BigDecimal.valueOf(3_600_000_000_000L))).isTrue();
        assertThat(d.contains(BigDecimal.ZERO)).isFalse();
        assertThat(Range.parse("(-inf, 5]", Setting.Unit.NONE).describe("an integer")).isEqualTo("an integer <= 5");
        assertThat(Range.parse("(0, inf)", Setting.Unit.BYTES).describe("a size")).isEqualTo("a size > 0");
    }

    @Test
    void aMalformedRangeIsAProgrammingError() {
        assertThatThrownBy(() -> Range.parse("0..1", Setting.Unit.NONE)).hasMessageContaining("interval notation");
    }
}
