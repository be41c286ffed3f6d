package dev.memvisor.qemu.manager;

import dev.memvisor.qemu.act.KsmControl;
import dev.memvisor.qemu.collect.KsmStats;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The manager's hold on the host's KSM: it saves KSM's knobs when it starts managing them, carries
 * out the plan's page-sharing rate ({@link KsmControl}), and puts the knobs back when it is done
 * (they belong to the administrator, or to ksmtuned). KSM is host-wide: one keeper per manager,
 * whatever groups of VMs it manages. Source: Documentation/admin-guide/mm/ksm.rst.
 */
public final class KsmKeeper {
    private final KsmControl ksm;
    private final long sleepMillis;
    private final Consumer<String> events;
    private final KsmControl.Settings saved;
    private volatile String error;
    /** Set by {@link #restore()}: a decision that finishes after the manager closed must not turn KSM on again. */
    private boolean restored;

    /**
     * Saves KSM's knobs under {@code ksmDir} when {@code manage} and the kernel has KSM; otherwise
     * keeps nothing and changes nothing.
     *
     * @param sleepMillis KSM's sleep between scans while memvisor drives it
     * @param events      receives one line when KSM cannot be managed or its knobs are put back
     */
    public KsmKeeper(Path ksmDir, boolean manage, long sleepMillis, Consumer<String> events) {
        this.ksm = new KsmControl(ksmDir);
        this.sleepMillis = sleepMillis;
        this.events = events;
        this.saved = manage && KsmStats.available(ksmDir) ? save() : null;
    }

    /** A keeper that manages nothing (a group of VMs whose manager keeps KSM elsewhere, a dry run). */
    public static KsmKeeper none() {
        return new KsmKeeper(Path.of("/nonexistent"), false, 20, line -> { });
    }

    /** Whether memvisor drives KSM's knobs. */
    public boolean manages() {
        return saved != null;
    }

    /**
     * Sets the scan rate (nothing when KSM is not managed, or once its knobs were put back).
     *
     * @throws RuntimeException naming the knob that could not be written
     */
    public synchronized void apply(long pagesPerSecond) {
        if (saved == null || restored) return;
        try {
            ksm.apply(pagesPerSecond, sleepMillis);
            error = null;
        } catch (RuntimeException e) {
            error = e.getMessage();
            throw e;
        }
    }

    /** KSM's knobs now, when managed (else null); a failure to read them is kept as {@link #error()}. */
    public KsmControl.Settings knobs() {
        if (saved == null) return null;
        try {
            return ksm.read();
        } catch (RuntimeException e) {
            error = e.getMessage();
            return null;
        }
    }

    /** Why KSM could not be read or set at the last attempt, or null. */
    public String error() {
        return error;
    }

    /**
     * Puts the saved knobs back (nothing when not managed); says so on the events. Later {@link #apply} calls change
     * nothing: a decision still running when its manager is closed (a stop that did not wait for it) would otherwise
     * set KSM's rate again after the restore and leave it running.
     */
    public synchronized void restore() {
        if (saved == null || restored) return;
        restored = true;
        try {
            ksm.restore(saved);
            events.accept("ksm: settings restored (run=" + saved.run() + ", pages_to_scan=" + saved.pagesToScan()
                    + ", sleep_millisecs=" + saved.sleepMillis() + ")");
        } catch (RuntimeException e) {
            events.accept("ksm: settings not restored: " + e.getMessage());
        }
    }

    private KsmControl.Settings save() {
        try {
            return ksm.read();
        } catch (RuntimeException e) {
            events.accept("ksm: not managed: " + e.getMessage());
            return null;
        }
    }
}
