package dev.memvisor.qemu.collect;

import java.nio.file.Path;
import java.util.Map;

/**
 * The host's /proc/meminfo, in bytes. Field meanings: Documentation/filesystems/proc.rst.
 *
 * @param fields every field by name, kB values converted to bytes
 */
public record MemInfo(Map<String, Long> fields) {
    /** Parses the file's text. */
    public static MemInfo parse(String text) { return new MemInfo(Map.copyOf(KeyValueFile.parse(text))); }

    /** Reads {@code procRoot/meminfo}. */
    public static MemInfo read(Path procRoot) { return parse(KeyValueFile.read(procRoot.resolve("meminfo"))); }

    /** A field in bytes, or -1 if absent. */
    public long get(String name) { return fields.getOrDefault(name, -1L); }

    /** MemTotal. */
    public long totalBytes() { return get("MemTotal"); }

    /** MemFree. */
    public long freeBytes() { return get("MemFree"); }

    /** MemAvailable (free plus reclaimable). */
    public long availableBytes() { return get("MemAvailable"); }

    /** SwapTotal - SwapFree. */
    public long swapUsedBytes() { return Math.max(0, get("SwapTotal") - get("SwapFree")); }
}
