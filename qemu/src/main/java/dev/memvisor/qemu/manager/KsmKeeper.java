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
public final class KsmKeeper extends HostSettingsKeeper<KsmControl.Settings> {
    private final KsmControl ksm;
    private final long sleepMillis;

    /**
     * Saves KSM's knobs under {@code ksmDir} when {@code manage} and the kernel has KSM; otherwise
     * keeps nothing and changes nothing.
     *
     * @param sleepMillis KSM's sleep between scans while memvisor drives it
     * @param events      receives one line when KSM cannot be managed or its knobs are put back
     */
    public KsmKeeper(Path ksmDir, boolean manage, long sleepMillis, Consumer<String> events) {
        super("ksm", events);
        this.ksm = new KsmControl(ksmDir);
        this.sleepMillis = sleepMillis;
        save(manage && KsmStats.available(ksmDir));
    }

    /** A keeper that manages nothing (a group of VMs whose manager keeps KSM elsewhere, a dry run). */
    public static KsmKeeper none() {
        return new KsmKeeper(Path.of("/nonexistent"), false, 20, line -> { });
    }

    /**
     * Sets the scan rate (nothing when KSM is not managed, or once its knobs were put back).
     *
     * @throws RuntimeException naming the knob that could not be written
     */
    public synchronized void apply(long pagesPerSecond) {
        if (!manages() || restored()) return;
        try {
            ksm.apply(pagesPerSecond, sleepMillis);
            error(null);
        } catch (RuntimeException e) {
            error(e.getMessage());
            throw e;
        }
    }

    /** KSM's knobs now, when managed (else null); a failure to read them is kept as {@link #error()}. */
    public KsmControl.Settings knobs() {
        return now();
    }

    @Override
    KsmControl.Settings read() {
        return ksm.read();
    }

    @Override
    void putBack(KsmControl.Settings saved) {
        ksm.restore(saved);
    }

    @Override
    String describe(KsmControl.Settings s) {
        return "run=" + s.run() + ", pages_to_scan=" + s.pagesToScan() + ", sleep_millisecs=" + s.sleepMillis();
    }
}
