package dev.memvisor.qemu.collect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A process's resident memory from /proc/PID/statm: one short line, the cheapest of the per-process
 * files (status formats forty fields, smaps walks every mapping), so it can be read several times a
 * second. Source: Documentation/filesystems/proc.rst, table "Contents of the statm fields".
 */
public final class ResidentMemory {
    /** The page size statm counts in (x86-64, as the rest of the manager assumes). */
    private static final long PAGE = 4096;

    private ResidentMemory() {}

    /**
     * Resident bytes of {@code procRoot/PID}, or -1 when the process is gone.
     *
     * @throws IllegalStateException naming the file when it is not statm's "size resident ..." line
     */
    public static long bytes(Path procRoot, long pid) {
        Path statm = procRoot.resolve(Long.toString(pid)).resolve("statm");
        String text;
        try {
            text = Files.readString(statm);
        } catch (NoSuchFileException e) {
            return -1;
        } catch (IOException e) {
            // a process exiting while being read (ESRCH) is gone as well
            if (!Files.exists(statm.getParent())) return -1;
            throw new java.io.UncheckedIOException("cannot read " + statm + ": " + e.getMessage(), e);
        }
        return parse(statm, text);
    }

    /** Resident bytes from statm's text (second field, in pages). */
    static long parse(Path where, String text) {
        String[] f = text.trim().split("\\s+");
        if (f.length < 2) throw new IllegalStateException(where + ": expected 'size resident shared ...' in pages, got '" + text.trim() + "'");
        try {
            return Long.parseLong(f[1]) * PAGE;
        } catch (NumberFormatException e) {
            throw new IllegalStateException(where + ": field 2 (resident pages): got '" + f[1] + "', expected a number");
        }
    }
}
