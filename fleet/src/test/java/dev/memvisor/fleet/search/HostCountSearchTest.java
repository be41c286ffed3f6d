package dev.memvisor.fleet.search;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.HashSet;
import java.util.OptionalInt;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class HostCountSearchTest {
    /** When a count passes exactly from a threshold on, the search finds the threshold in about 2 log2(max) tries, never twice the same. */
    @Property
    void findsTheThresholdOfAMonotoneBound(@ForAll @IntRange(min = 1, max = 500) int max, @ForAll @IntRange(min = 1, max = 600) int threshold,
                                           @ForAll @IntRange(min = 1, max = 600) int first) {
        HostCountSearch s = new HostCountSearch(1, max, first);
        Set<Integer> tried = new HashSet<>();
        for (OptionalInt n = s.next(); n.isPresent(); n = s.next()) {
            assertThat(n.getAsInt()).isBetween(1, max);
            assertThat(tried.add(n.getAsInt())).as("tried twice: " + n.getAsInt()).isTrue();
            s.record(n.getAsInt(), n.getAsInt() >= threshold);
        }
        if (threshold <= max) assertThat(s.answer()).hasValue(threshold);
        else assertThat(s.answer()).isEmpty();
        assertThat(tried.size()).isLessThanOrEqualTo(2 * (32 - Integer.numberOfLeadingZeros(max)) + 2);
    }

    @Property
    void neverGoesBelowTheMinimum(@ForAll @IntRange(min = 1, max = 50) int min, @ForAll @IntRange(min = 0, max = 50) int span) {
        HostCountSearch s = new HostCountSearch(min, min + span, 1);
        for (OptionalInt n = s.next(); n.isPresent(); n = s.next()) {
            assertThat(n.getAsInt()).isGreaterThanOrEqualTo(min);
            s.record(n.getAsInt(), true);
        }
        assertThat(s.answer()).hasValue(min);
    }
}
