package dev.memvisor.qemu.scan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The mapping of a QEMU process that holds the guest's RAM, found in /proc/PID/maps: anonymous
 * (no inode, no file), readable and writable, at least the guest's RAM size; the smallest such.
 * Format: Documentation/filesystems/proc.rst, "/proc/PID/maps".
 *
 * @param start  the mapping's first address
 * @param length its length in bytes
 */
public record GuestRamMapping(long start, long length) {

    /** Finds the guest RAM mapping in a maps file; the message names the file and the size wanted. */
    public static GuestRamMapping find(Path maps, long ramBytes) {
        List<String> lines;
        try {
            lines = Files.readAllLines(maps);
        } catch (IOException e) {
            throw new IllegalArgumentException(maps + ": cannot read (" + e.getMessage() + "); is the QEMU process still running?", e);
        }
        return parse(lines, ramBytes).orElseThrow(() -> new IllegalArgumentException(maps
                + ": no anonymous read-write mapping of at least " + (ramBytes >> 20) + " MiB; not a QEMU process with that much guest RAM?"));
    }

    /** The smallest anonymous rw mapping of at least {@code ramBytes} among these maps lines. */
    static java.util.Optional<GuestRamMapping> parse(List<String> lines, long ramBytes) {
        List<GuestRamMapping> candidates = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.trim().split("\\s+", 6);
            if (f.length < 5) continue;
            boolean anonymous = f[4].equals("0") && (f.length == 5 || f[5].isBlank() || f[5].startsWith("[anon"));
            if (!anonymous || !f[1].startsWith("rw")) continue;
            int dash = f[0].indexOf('-');
            long start = Long.parseUnsignedLong(f[0].substring(0, dash), 16);
            long end = Long.parseUnsignedLong(f[0].substring(dash + 1), 16);
            if (end - start >= ramBytes) candidates.add(new GuestRamMapping(start, end - start));
        }
        return candidates.stream().min(Comparator.comparingLong(GuestRamMapping::length));
    }
}
