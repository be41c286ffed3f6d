package dev.memvisor.sim.trace;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** Collects references to sparse page numbers and renumbers the pages densely. */
final class PageTraceBuilder {
    private final Map<Long, Integer> ids = new HashMap<>();
    private int[] refs = new int[1 << 16];
    private int n;

    void add(long page, boolean write) {
        Integer id = ids.get(page);
        if (id == null) {
            id = ids.size();
            ids.put(page, id);
        }
        if (n == refs.length) refs = Arrays.copyOf(refs, n * 2);
        refs[n++] = id << 1 | (write ? 1 : 0);
    }

    PageTrace build() {
        return new PageTrace(Arrays.copyOf(refs, n), ids.size());
    }
}
