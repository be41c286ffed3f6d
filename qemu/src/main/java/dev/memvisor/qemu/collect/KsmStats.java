package dev.memvisor.qemu.collect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Host-wide KSM state from /sys/kernel/mm/ksm; source: Documentation/admin-guide/mm/ksm.rst.
 *
 * @param run             0 stopped, 1 running, 2 unmerge all
 * @param pagesToScan     pages scanned per wake-up
 * @param sleepMillis     sleep between wake-ups
 * @param pagesShared     shared pages in use (one per distinct content)
 * @param pagesSharing    pages mapping a shared page (the saving)
 * @param pagesUnshared   unique pages checked repeatedly
 * @param pagesVolatile   pages changing too fast to merge
 * @param fullScans       complete passes over mergeable memory
 */
public record KsmStats(int run, long pagesToScan, long sleepMillis, long pagesShared, long pagesSharing,
                       long pagesUnshared, long pagesVolatile, long fullScans) {
    /** The default KSM directory. */
    public static final Path SYSFS = Path.of("/sys/kernel/mm/ksm");

    /** Reads the KSM directory. */
    public static KsmStats read(Path dir) {
        return new KsmStats((int) num(dir, "run"), num(dir, "pages_to_scan"), num(dir, "sleep_millisecs"),
                num(dir, "pages_shared"), num(dir, "pages_sharing"), num(dir, "pages_unshared"),
                num(dir, "pages_volatile"), num(dir, "full_scans"));
    }

    /** Whether the kernel has KSM. */
    public static boolean available(Path dir) { return Files.isRegularFile(dir.resolve("run")); }

    static long num(Path dir, String name) {
        try {
            return Long.parseLong(Files.readString(dir.resolve(name)).trim());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }
}
