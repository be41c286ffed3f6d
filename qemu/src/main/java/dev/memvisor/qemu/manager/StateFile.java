package dev.memvisor.qemu.manager;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Consumer;

/**
 * Where the running manager publishes its latest decision for {@code memvisor top} (and any script):
 * one JSON object, the decision log's line for the last decision, replaced atomically (written
 * beside, then renamed over), so a reader always sees a whole decision and never a torn one. A file
 * rather than a port: it costs nothing when no one reads it, needs no listener and no access control
 * beyond the file's own (under /run/memvisor, root's), and works with metrics off. Removed when the
 * manager stops, so a file present is a manager running (or one killed without warning: the reader
 * checks the time in it).
 */
public final class StateFile implements AutoCloseable {
    private final Path path;
    private final Path temp;
    private final Consumer<String> events;
    private final boolean dirExisted;
    private String lastError;

    /** Publishes to {@code path} (its directory is made when missing); {@code events} hears a failure once. */
    public StateFile(Path path, Consumer<String> events) {
        this.path = path.toAbsolutePath();
        this.temp = this.path.resolveSibling("." + this.path.getFileName() + ".tmp");
        this.events = events;
        this.dirExisted = Files.isDirectory(this.path.getParent());
    }

    /** The file. */
    public Path path() {
        return path;
    }

    /** Replaces the file's content with {@code json}; a failure is reported once (and again when it changes) and does not stop the manager. */
    public void publish(String json) {
        try {
            Files.createDirectories(path.getParent());
            Files.writeString(temp, json + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING);
            }
            lastError = null;
        } catch (IOException e) {
            String msg = "state file " + path + " not written (memvisor top cannot follow this manager): " + e;
            if (!msg.equals(lastError)) events.accept(msg);
            lastError = msg;
        }
    }

    /** Removes the file (and its directory, when the manager made it and nothing else is in it): the manager is no longer running. */
    @Override
    public void close() {
        try {
            Files.deleteIfExists(temp);
            Files.deleteIfExists(path);
            if (!dirExisted) {
                try (var s = Files.list(path.getParent())) {
                    if (s.findAny().isEmpty()) Files.deleteIfExists(path.getParent());
                }
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // never written
        } catch (IOException e) {
            events.accept("state file " + path + " not removed: " + e);
        }
    }
}
