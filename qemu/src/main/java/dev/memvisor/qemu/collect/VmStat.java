package dev.memvisor.qemu.collect;

import java.nio.file.Path;
import java.util.Map;

/**
 * The host's /proc/vmstat counters (pswpin, pswpout, pgmajfault...).
 *
 * @param counters every counter by name
 */
public record VmStat(Map<String, Long> counters) {
    /** Parses the file's text. */
    public static VmStat parse(String text) { return new VmStat(Map.copyOf(KeyValueFile.parse(text))); }

    /** Reads {@code procRoot/vmstat}. */
    public static VmStat read(Path procRoot) { return parse(KeyValueFile.read(procRoot.resolve("vmstat"))); }

    /** A counter, or 0 if absent. */
    public long get(String name) { return counters.getOrDefault(name, 0L); }
}
