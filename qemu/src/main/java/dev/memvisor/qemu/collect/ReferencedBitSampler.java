package dev.memvisor.qemu.collect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Estimates a QEMU process's active memory from page-table referenced bits: reads the
 * {@code Referenced} total of /proc/PID/smaps_rollup (memory touched since the last clear), then
 * clears the bits through /proc/PID/clear_refs for the next interval. Used where DAMON is not
 * available. Source: Documentation/admin-guide/mm/soft-dirty.rst and proc.rst (clear_refs).
 */
public final class ReferencedBitSampler {
    private final Path procRoot;

    /** A sampler over this /proc. */
    public ReferencedBitSampler(Path procRoot) {
        this.procRoot = procRoot;
    }

    /**
     * Memory the process referenced since the previous call (the first call counts since start),
     * or -1 when the files cannot be read or written.
     */
    public long sampleAndClear(long pid) {
        Path p = procRoot.resolve(Long.toString(pid));
        try {
            long referenced = KeyValueFile.parse(Files.readString(p.resolve("smaps_rollup"))).getOrDefault("Referenced", -1L);
            Files.writeString(p.resolve("clear_refs"), "1");
            return referenced;
        } catch (IOException e) {
            return -1;
        }
    }
}
