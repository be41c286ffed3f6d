package dev.memvisor.sim.trace;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Reads each trace file once per process, however many VMs replay it. */
public final class TraceCache {
    private static final Map<String, Object> CACHE = new HashMap<>();

    private TraceCache() {}

    /** The page trace in {@code file} of {@code format} (address or lirs). */
    public static synchronized PageTrace pages(String format, Path file, long maxRefs) {
        String key = format + ":" + file.toAbsolutePath() + ":" + maxRefs;
        return (PageTrace) CACHE.computeIfAbsent(key, k -> wrap(file, () -> format.equals("address")
                ? AddressTraceReader.load(file, maxRefs) : LirsTraceReader.load(file, maxRefs)));
    }

    /** The Bitbrains VM trace in {@code file}. */
    public static synchronized BitbrainsTrace bitbrains(Path file) {
        return (BitbrainsTrace) CACHE.computeIfAbsent("bb:" + file.toAbsolutePath(), k -> wrap(file, () -> BitbrainsTrace.read(file)));
    }

    private static Object wrap(Path file, java.util.function.Supplier<Object> read) {
        try {
            return read.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }
}
