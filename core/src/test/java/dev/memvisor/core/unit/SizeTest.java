package dev.memvisor.core.unit;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SizeTest {
    @Test
    void parsesTheDocumentedForms() {
        assertThat(Size.parse("4096")).isEqualTo(4096);
        assertThat(Size.parse("512M")).isEqualTo(512L * 1024 * 1024);
        assertThat(Size.parse("4G")).isEqualTo(4L << 30);
        assertThat(Size.parse("1.5T")).isEqualTo(3L << 39);
        assertThat(Size.parse("2GiB")).isEqualTo(2L << 30);
        assertThat(Size.parse(" 64 kb ")).isEqualTo(64 * 1024);
    }

    @Test
    void printsWithTheLargestUnit() {
        assertThat(Size.format(512L << 20)).isEqualTo("512M");
        assertThat(Size.format(3L << 39)).isEqualTo("1.5T");
        assertThat(Size.format(100)).isEqualTo("100");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1G", "abc", "", "4X", "1.5"})
    void refusesWithTheTextAndTheAcceptedForms(String text) {
        assertThatThrownBy(() -> Size.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'")
                .hasMessageContaining("512M");
    }

    @Property
    void formatThenParseIsCloseToTheOriginal(@ForAll @LongRange(min = 0, max = 1L << 50) long bytes) {
        long back = Size.parse(Size.format(bytes));
        // two decimals of the chosen unit: relative error under 0.5 %
        assertThat((double) Math.abs(back - bytes)).isLessThanOrEqualTo(Math.max(0.5, bytes * 0.005));
    }
}
