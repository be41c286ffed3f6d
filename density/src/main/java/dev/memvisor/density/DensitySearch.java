package dev.memvisor.density;

import dev.memvisor.core.admission.AdmissionControl;
import dev.memvisor.core.admission.AdmissionDecision;
import dev.memvisor.core.model.VmSettings;
import dev.memvisor.density.mix.Mix;
import dev.memvisor.density.mix.MixGuest;
import dev.memvisor.qemu.manager.VmConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The density search, the same for the real and the simulated host: add the mix's guests one at a
 * time (each through core's admission control: reservations and overheads must fit), measure a step
 * with each new guest, and stop at the first step the {@link DensityBounds} refuse; the guests
 * admitted are those of the last step that passed.
 */
public final class DensitySearch {
    /** One host that takes guests one at a time and measures a step. */
    public interface Host {
        /**
         * Starts {@code guest} (the {@code n}-th) and measures all {@code n} running guests over a window.
         *
         * @throws StartFailure when the guest does not start
         */
        StepResult admit(int n, MixGuest guest);

        /** Reservation violations seen so far (observations of a guest below its reservation). */
        long reservationViolations();

        /** Guests started so far. */
        int started();

        /** Guests stopped again so far. */
        int stopped();
    }

    /** A guest that did not start. */
    public static final class StartFailure extends RuntimeException {
        /** The failure and why. */
        public StartFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private DensitySearch() {}

    /** Runs the search for {@code policy} on {@code host}; progress lines go to {@code progress}. */
    public static PolicyResult run(String policy, Mix mix, DensityBounds bounds, Host host, Consumer<String> progress, String where) {
        long t0 = System.nanoTime();
        List<StepResult> steps = new ArrayList<>();
        List<VmSettings> admitted = new ArrayList<>();
        AdmissionControl admission = new AdmissionControl(mix.hostBytes(), mix.overheadBytes());
        int guestsAdmitted = 0;
        StopReason stop = StopReason.ALL_ADMITTED;
        String detail = "all " + mix.guests().size() + " guests of the mix admitted";
        for (int n = 1; n <= mix.guests().size(); n++) {
            MixGuest g = mix.guests().get(n - 1);
            VmSettings s = new VmConfig(g.name(), null, g.memoryBytes(), g.reservationBytes(), -1, g.shares(), true).settings(g.memoryBytes());
            AdmissionDecision d = admission.admit(admitted, s);
            if (!d.admitted()) {
                stop = StopReason.ADMISSION;
                detail = d.message();
                break;
            }
            admitted.add(s);
            StepResult step;
            try {
                step = host.admit(n, g);
            } catch (StartFailure e) {
                stop = StopReason.START_FAILED;
                detail = e.getMessage();
                break;
            }
            steps.add(step);
            Optional<StopReason> why = bounds.check(step);
            progress.accept(String.format(Locale.ROOT, "%s %s: %d guests, p95 slowdown %.2f (max %.2f), host swap %s (in+out in the window %s), balloons %s, shared %s%s",
                    where, policy, n, step.percentile(DensityBounds.PERCENTILE), step.max(), dev.memvisor.core.unit.Size.format(step.hostSwapBytes()),
                    dev.memvisor.core.unit.Size.format(step.hostSwapTrafficBytes()),
                    dev.memvisor.core.unit.Size.format(step.balloonBytes()), dev.memvisor.core.unit.Size.format(step.sharedBytes()),
                    why.map(r -> " -> stop (" + r.label() + ")").orElse("")));
            if (why.isPresent()) {
                stop = why.get();
                detail = describe(stop, step, bounds);
                break;
            }
            guestsAdmitted = n;
        }
        return new PolicyResult(policy, guestsAdmitted, stop, detail, steps, host.reservationViolations(), host.started(), host.stopped(),
                (System.nanoTime() - t0) / 1e9);
    }

    private static String describe(StopReason stop, StepResult step, DensityBounds bounds) {
        return switch (stop) {
            case OOM -> "guest " + step.measures().stream().filter(GuestMeasure::oomKilled).map(GuestMeasure::name).findFirst().orElse("?")
                    + " OOM-killed with " + step.guests() + " guests";
            case HOST_SWAP -> "host swap traffic " + dev.memvisor.core.unit.Size.format(step.hostSwapTrafficBytes()) + " in the window passed the bound "
                    + dev.memvisor.core.unit.Size.format(bounds.hostSwapBytes()) + " with " + step.guests() + " guests";
            case SLOWDOWN -> String.format(Locale.ROOT, "p95 slowdown %.2f passed the bound %.2f with %d guests (slowest: %s)",
                    step.percentile(DensityBounds.PERCENTILE), bounds.slowdown(), step.guests(),
                    step.measures().stream().max(java.util.Comparator.comparingDouble(GuestMeasure::slowdown)).map(GuestMeasure::name).orElse("?"));
            default -> stop.label();
        };
    }
}
