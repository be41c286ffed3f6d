package dev.memvisor.qemu.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removes a run directory (guest logs, sockets) once its guests are stopped. */
public final class RunDirectory {
    private RunDirectory() {}

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
