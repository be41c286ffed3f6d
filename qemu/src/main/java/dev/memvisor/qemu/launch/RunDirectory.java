package dev.memvisor.qemu.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The run directory of memvisor's guests: one directory per guest, {@code DIR/NAME/}, holding its QMP
 * socket {@code qmp.sock} and its logs, as {@link GuestLauncher} makes them and {@code memvisor run}
 * (with no {@code vms:}), {@code migrate}, {@code scan} and {@code measure cpu} find them.
 */
public final class RunDirectory {
    /** The run directory when neither an option nor $MEMVISOR_RUN_DIR gives one. */
    public static final String FALLBACK = "/tmp/memvisor/run";
    /** The environment variable that moves the run directory. */
    public static final String ENV = "MEMVISOR_RUN_DIR";
    /** A guest's QMP socket in its directory. */
    public static final String QMP_SOCKET = "qmp.sock";

    private RunDirectory() {}

    /** $MEMVISOR_RUN_DIR, else {@link #FALLBACK}. */
    public static Path defaultPath() {
        String env = System.getenv(ENV);
        return Path.of(env == null || env.isBlank() ? FALLBACK : env);
    }

    /** Deletes {@code dir} and everything under it; returns whether it is gone. */
    public static boolean delete(Path dir) {
        if (dir == null || !Files.exists(dir)) return true;
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // left behind; reported by the return value
                }
            });
        } catch (IOException e) {
            return false;
        }
        return !Files.exists(dir);
    }
}
