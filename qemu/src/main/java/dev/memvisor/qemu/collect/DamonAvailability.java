package dev.memvisor.qemu.collect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether memvisor may use DAMON's sysfs interface (/sys/kernel/mm/damon/admin) to monitor QEMU
 * processes. Adding a kdamond means rewriting nr_kdamonds, which the kernel refuses (and which
 * would tear down other users' monitors) while any kdamond runs, so DAMON counts as usable only
 * when none is running. Source: Documentation/admin-guide/mm/damon/usage.rst.
 */
public final class DamonAvailability {
    private DamonAvailability() {}

    /** Why DAMON cannot be used, or empty text when it can. */
    public static String whyNot(Path admin) {
        Path kd = admin.resolve("kdamonds");
        if (!Files.isRegularFile(kd.resolve("nr_kdamonds"))) return "this kernel has no DAMON sysfs interface (" + admin + ")";
        try {
            int n = Integer.parseInt(Files.readString(kd.resolve("nr_kdamonds")).trim());
            for (int i = 0; i < n; i++) {
                if (Files.readString(kd.resolve(i + "/state")).trim().equals("on")) {
                    return "kdamond " + i + " is already running for another user; memvisor leaves it alone";
                }
            }
            return "";
        } catch (IOException | NumberFormatException e) {
            return "cannot read " + kd + " (" + e.getMessage() + ")";
        }
    }
}
