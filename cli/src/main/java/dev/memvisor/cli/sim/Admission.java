package dev.memvisor.cli.sim;

import dev.memvisor.core.admission.AdmissionDecision;
import dev.memvisor.sim.report.SimResult;
import dev.memvisor.sim.scenario.Scenario;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Admission control for {@code simulate} and {@code compare}: a scenario whose reservations and per-VM
 * overheads do not fit machine memory is refused with AdmissionControl's message, unless
 * {@value #FLAG} is given; then it runs and the report counts the pages taken below reservations.
 */
final class Admission {
    /** The option that runs an over-reserved scenario anyway. */
    static final String FLAG = "--allow-overcommitted-reservations";

    private Admission() {}

    /**
     * Checks the scenario; a refusal throws (exit 1) unless {@code allow}, in which case it is a warning on {@code err}.
     *
     * @return whether the scenario's reservations are overcommitted
     */
    static boolean check(Scenario sc, Path file, boolean allow, PrintWriter err, String command) {
        List<AdmissionDecision> refused = sc.admission().stream().filter(d -> !d.admitted()).toList();
        if (refused.isEmpty()) return false;
        String why = refused.get(0).message() + (refused.size() > 1 ? " (and " + (refused.size() - 1) + " more VMs refused)" : "");
        if (!allow) {
            throw new IllegalStateException(file + ": admission control: " + why + "; reservations that do not fit cannot all be"
                    + " honoured. " + FLAG + " runs it anyway and counts the pages taken below reservations (summary.json"
                    + " reservationViolationPages)");
        }
        err.println(command + ": warning: admission control: " + why + "; running anyway (" + FLAG + ")");
        err.flush();
        return true;
    }

    /** The line that says how far reservations were honoured in an over-reserved run. */
    static String violations(SimResult r) {
        long pages = r.vms.stream().mapToLong(v -> v.reservationViolationPages).sum();
        return String.format(Locale.ROOT, "%s: %d pages (%.0f MB) taken from, or refused to, VMs within their reservation (summary.json reservationViolationPages)",
                r.policy, pages, pages * 4096.0 / (1 << 20));
    }
}
