package dev.memvisor.qemu.collect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Estimates a QEMU process's active guest memory from page-table referenced bits: sums the
 * {@code Referenced} field of the mappings in /proc/PID/smaps at least as large as the guest's
 * RAM (QEMU's guest RAM block, not its own heap or TCG code buffer), memory touched since the last
 * clear, then clears the bits through /proc/PID/clear_refs for the next interval. Used where DAMON
 * is not available. Source: Documentation/filesystems/proc.rst (smaps, clear_refs).
 */
public final class ReferencedBitSampler implements ActiveMemorySource {
    private final Path procRoot;

    /** A sampler over this /proc. */
    public ReferencedBitSampler(Path procRoot) {
        this.procRoot = procRoot;
    }

    @Override
    public long activeBytes(String vm, long pid, long guestRamBytes) {
        return sampleAndClear(pid, guestRamBytes);
    }

    @Override
    public String description() {
        return "referenced bits of each QEMU's guest RAM (/proc/PID/smaps, clear_refs)";
    }

    /**
     * Guest memory the process referenced since the previous call (the first call counts since
     * start), or -1 when the files cannot be read or written. Mappings smaller than
     * {@code guestRamBytes} are ignored; if none is that large, every mapping counts.
     */
    public long sampleAndClear(long pid, long guestRamBytes) {
        Path p = procRoot.resolve(Long.toString(pid));
        try {
            long referenced = referencedIn(Files.readString(p.resolve("smaps")), guestRamBytes);
            Files.writeString(p.resolve("clear_refs"), "1");
            return referenced;
        } catch (IOException e) {
            return -1;
        }
    }

    /** Sums Referenced (bytes) over mappings of at least {@code minMappingBytes}; all mappings if none is that large. */
    static long referencedIn(String smaps, long minMappingBytes) {
        long big = 0, all = 0, size = 0;
        boolean anyBig = false;
        for (String line : smaps.split("\n")) {
            if (line.startsWith("Size:")) {
                size = kib(line);
            } else if (line.startsWith("Referenced:")) {
                long r = kib(line);
                all += r;
                if (size >= minMappingBytes) {
                    big += r;
                    anyBig = true;
                }
            }
        }
        return anyBig ? big : all;
    }

    private static long kib(String line) {
        String[] f = line.trim().split("\\s+");
        return Long.parseLong(f[1]) * 1024;
    }
}
