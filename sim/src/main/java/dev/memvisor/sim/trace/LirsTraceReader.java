package dev.memvisor.sim.trace;

import java.nio.file.Path;

/** LIRS paper block traces: one block number a line; every reference is a read. */
public final class LirsTraceReader extends TextTraceReader {
    private final PageTraceBuilder b = new PageTraceBuilder();

    /** Reads the trace in {@code file}. */
    public static PageTrace load(Path file, long maxRefs) {
        LirsTraceReader r = new LirsTraceReader();
        r.readLines(file, maxRefs);
        return r.b.build();
    }

    @Override
    protected void line(String line, long nr) {
        try {
            b.add(Long.parseLong(line.trim()), false);
        } catch (NumberFormatException e) {
            throw bad(nr, line, "a block number");
        }
    }
}
