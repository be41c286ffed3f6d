package dev.memvisor.qemu.collect;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Parses the "key value [unit]" files of /proc (meminfo, vmstat, ksm_stat, status) into longs. */
final class KeyValueFile {
    private KeyValueFile() {}

    /**
     * Parses text whose lines are {@code key: value [kB]} or {@code key value}; kB values become bytes.
     * Lines that do not end in a number are skipped (status has text fields).
     */
    static Map<String, Long> parse(String text) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("[:\\s]+");
            if (f.length < 2) continue;
            try {
                long v = Long.parseLong(f[1]);
                if (f.length >= 3 && f[2].equals("kB")) v *= 1024;
                out.put(f[0], v);
            } catch (NumberFormatException e) {
                // a text field, such as Name: in /proc/PID/status
            }
        }
        return out;
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }
}
