package dev.memvisor.density;

import dev.memvisor.density.mix.Mix;
import dev.memvisor.density.mix.MixGuest;
import dev.memvisor.density.mix.Schedule;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stopping rule over random hosts: the guests admitted are exactly the leading steps that pass
 * every bound, the run stops at the first step that does not (and says why), no step is measured
 * after it, and a guest whose reservation does not fit is never started.
 */
class DensitySearchPropertyTest {
    private static final long MIB = 1L << 20;

    @Property(tries = 300)
    void admittedGuestsAreTheLeadingStepsThatPass(@ForAll @Size(min = 1, max = 12) List<@DoubleRange(min = 0.5, max = 3) Double> p95s,
                                                  @ForAll @Size(min = 12, max = 12) List<@IntRange(min = 0, max = 300) Integer> swapMib,
                                                  @ForAll @IntRange(min = -1, max = 12) int oomAt,
                                                  @ForAll @DoubleRange(min = 1, max = 2) double bound) {
        int n = p95s.size();
        DensityBounds bounds = new DensityBounds(bound, 100 * MIB);
        List<Integer> measured = new ArrayList<>();
        DensitySearch.Host host = new FakeHost(measured, k -> {
            List<GuestMeasure> ms = new ArrayList<>();
            // every guest of the step at the step's slowdown: the p95 is that slowdown
            for (int i = 0; i < k; i++) ms.add(new GuestMeasure("g" + i, p95s.get(k - 1), 1, i == 0 && k == oomAt));
            return new StepResult(k, ms, 0, swapMib.get(k - 1) * MIB, 0, 0, -1);
        });
        PolicyResult r = DensitySearch.run("esx", mix(n, 0, 64 * MIB), bounds, host, line -> { }, "test");
        int expected = 0;
        StopReason why = StopReason.ALL_ADMITTED;
        for (int k = 1; k <= n; k++) {
            if (k == oomAt) { why = StopReason.OOM; break; }
            if (swapMib.get(k - 1) * MIB > bounds.hostSwapBytes()) { why = StopReason.HOST_SWAP; break; }
            if (p95s.get(k - 1) > bound) { why = StopReason.SLOWDOWN; break; }
            expected = k;
        }
        assertThat(r.guestsAdmitted()).isEqualTo(expected);
        assertThat(r.stop()).isEqualTo(why);
        assertThat(r.steps()).hasSize(why == StopReason.ALL_ADMITTED ? n : expected + 1);
        assertThat(measured).hasSize(r.steps().size());
        for (StepResult s : r.steps().subList(0, expected)) assertThat(bounds.check(s)).isEmpty();
        if (why != StopReason.ALL_ADMITTED) assertThat(bounds.check(r.steps().get(r.steps().size() - 1))).contains(why);
    }

    @Property(tries = 100)
    void aGuestWhoseReservationDoesNotFitIsNeverStarted(@ForAll @IntRange(min = 1, max = 10) int n, @ForAll @IntRange(min = 0, max = 300) int reservationMib) {
        List<Integer> measured = new ArrayList<>();
        Mix mix = mix(n, reservationMib * MIB, 64 * MIB);
        DensitySearch.Host host = new FakeHost(measured, k -> new StepResult(k, List.of(new GuestMeasure("g", 1, 1, false)), 0, 0, 0, 0, -1));
        PolicyResult r = DensitySearch.run("esx", mix, new DensityBounds(1.2, 0), host, line -> { }, "test");
        // each guest needs its reservation and the 64M overhead of a 1G host
        long reservation = Math.min(reservationMib, 256) * MIB;
        int fit = (int) Math.min(n, (1024L * MIB) / (reservation + 64 * MIB));
        assertThat(r.guestsAdmitted()).isEqualTo(fit);
        assertThat(measured).hasSize(fit);
        assertThat(r.stop()).isEqualTo(fit < n ? StopReason.ADMISSION : StopReason.ALL_ADMITTED);
    }

    private static Mix mix(int guests, long reservation, long overhead) {
        List<MixGuest> gs = new ArrayList<>();
        for (int i = 0; i < guests; i++) gs.add(new MixGuest("g" + i, 0, 256 * MIB, Math.min(reservation, 256 * MIB), "normal", "same", 0, 0, 0,
                Schedule.constant(16 * MIB, 10)));
        return new Mix("t", Path.of("t.yaml"), dev.memvisor.core.policy.PolicyConfig.defaults(),
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(), 1024 * MIB, overhead, 0, 2,
                null, null, Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ZERO, Duration.ofSeconds(5), gs);
    }

    /** A host whose steps come from a function of the guest count; it records which steps were measured. */
    private record FakeHost(List<Integer> measured, java.util.function.IntFunction<StepResult> steps) implements DensitySearch.Host {
        @Override
        public StepResult admit(int n, MixGuest guest) {
            measured.add(n);
            return steps.apply(n);
        }

        @Override public long reservationViolations() { return 0; }
        @Override public int started() { return measured.size(); }
        @Override public int stopped() { return measured.size(); }
    }
}
