package dev.memvisor.qemu.manager;

import java.util.function.Consumer;

/**
 * Host-wide settings the manager saves when it starts managing them, changes while it runs, and puts back
 * once when it is done (they belong to the administrator): KSM's knobs ({@link KsmKeeper}), zswap's
 * parameters ({@link ZswapKeeper}). After the restore, the keeper changes nothing: a decision still running
 * when its manager is closed (a stop that did not wait for it) would otherwise set them again and leave them so.
 *
 * @param <S> the settings as read and written
 */
abstract class HostSettingsKeeper<S> {
    private final String name;
    /** Receives one line when the settings cannot be managed or are put back. */
    final Consumer<String> events;
    /** The settings as found (put back by {@link #restore()}), or null when not managed. */
    private S saved;
    private volatile String error;
    private boolean restored;

    /** @param name the settings' name at the start of the event lines ({@code ksm}, {@code zswap}) */
    HostSettingsKeeper(String name, Consumer<String> events) {
        this.name = name;
        this.events = events;
    }

    /** The settings now, from the host. */
    abstract S read();

    /** Writes the saved settings back. */
    abstract void putBack(S saved);

    /** The settings as the events show them, e.g. {@code run=0, pages_to_scan=100}. */
    abstract String describe(S settings);

    /** Whether there is anything to put back (the keeper may never have changed the settings). */
    boolean changed() {
        return true;
    }

    /** Reads and keeps the settings found, to be put back ({@code manage}: the caller's condition), and returns them; null when not managed. */
    final S save(boolean manage) {
        if (!manage) return null;
        try {
            saved = read();
        } catch (RuntimeException e) {
            events.accept(name + ": not managed: " + e.getMessage());
        }
        return saved;
    }

    /** The settings as found, or null when not managed. */
    final S saved() {
        return saved;
    }

    /** Whether memvisor manages the settings. */
    public boolean manages() {
        return saved != null;
    }

    /** Whether the settings were put back: the caller then changes nothing (hold this keeper's lock). */
    final boolean restored() {
        return restored;
    }

    /** The settings now, when managed (else null); a failure to read them is kept as {@link #error()}. */
    final S now() {
        if (saved == null) return null;
        try {
            return read();
        } catch (RuntimeException e) {
            error = e.getMessage();
            return null;
        }
    }

    /** Keeps why the settings could not be read or set, or null after a success. */
    final void error(String why) {
        error = why;
    }

    /** Why the settings could not be read or set at the last attempt, or null. */
    public String error() {
        return error;
    }

    /** Puts the saved settings back once (nothing when not managed, or when nothing {@link #changed()}); says so on the events. */
    public synchronized void restore() {
        if (saved == null || restored) return;
        restored = true;
        if (!changed()) return;
        try {
            putBack(saved);
            events.accept(name + ": settings restored (" + describe(saved) + ")");
        } catch (RuntimeException e) {
            events.accept(name + ": settings not restored: " + e.getMessage());
        }
    }
}
