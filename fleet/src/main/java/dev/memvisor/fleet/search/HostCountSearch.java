package dev.memvisor.fleet.search;

import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * The search for the fewest hosts that meet the bound, for one policy: start at the rule's own
 * estimate, double while it fails, then bisect between the largest failing and the smallest
 * passing count. Assumes that adding hosts does not make the worst slowdown worse; every count
 * tried is kept, so a case where that does not hold shows in the report.
 */
public final class HostCountSearch {
    private final int min, max, first;
    private final TreeMap<Integer, Boolean> tried = new TreeMap<>();

    /** A search over {@code [min, max]} that tries {@code first} (clamped into the range) first. */
    public HostCountSearch(int min, int max, int first) {
        if (min < 1 || max < min) throw new IllegalArgumentException("host counts: got [" + min + ", " + max + "]");
        this.min = min;
        this.max = max;
        this.first = Math.max(min, Math.min(max, first));
    }

    /** The next host count to simulate, or empty when the search is over. */
    public OptionalInt next() {
        if (tried.isEmpty()) return OptionalInt.of(first);
        Integer pass = smallestPass();
        if (pass == null) {
            int fail = tried.lastKey();
            if (fail >= max) return OptionalInt.empty();
            return OptionalInt.of(Math.min(max, Math.max(fail + 1, 2 * fail)));
        }
        Integer below = tried.headMap(pass).entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey)
                .reduce((a, b) -> b).orElse(null);
        int lower = below == null ? min : below + 1;
        if (lower >= pass) return OptionalInt.empty();
        return OptionalInt.of(lower + (pass - lower) / 2);
    }

    /** Records whether {@code hosts} met the bound. */
    public void record(int hosts, boolean pass) {
        tried.put(hosts, pass);
    }

    /** The fewest hosts found to meet the bound, or empty when none up to the maximum did. */
    public OptionalInt answer() {
        Integer p = smallestPass();
        return p == null ? OptionalInt.empty() : OptionalInt.of(p);
    }

    private Integer smallestPass() {
        for (Map.Entry<Integer, Boolean> e : tried.entrySet()) if (e.getValue()) return e.getKey();
        return null;
    }
}
