package dev.memvisor.sim.migration;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The model against our real migrations (measured-migrations.json, from BENCHMARKS.md). Tolerances:
 * plain and balloon-first bytes within 10 %: these are determined by what the guest holds and the
 * model's zero-page and dirty-round accounting, so a larger miss would mean the model is wrong (it
 * comes within 4 %). Their total time within 20 %: QEMU's total time also holds setup and TCG's
 * slow vCPU stop that the model does not have. free-page-hint bytes within 30 %: the model assumes
 * every free page is known before the sweep reaches it; on TCG the guest reports hints late (a:
 * about 26 MiB sent before their hints) and the real free-page-hint runs were erratic (1 of 3
 * crashed), so this row shows the gap rather than pins it. Downtime within 80 ms absolute (a
 * quarter of the 300 ms limit): real downtimes here are 1-58 ms and mostly device state, which the
 * model does not have. Iterations (QEMU's dirty-sync-count) within one.
 */
class CalibrationTest {
    private final List<CalibrationRow> rows = Calibration.load().run();

    @Test
    void everyMeasuredRunHasAModelRow() {
        assertThat(rows).hasSize(6);
        assertThat(rows).extracting(r -> r.scenario().name() + "/" + r.strategy().cliName())
                .containsExactly("a/plain", "a/free-page-hint", "a/balloon-first", "b/plain", "b/free-page-hint", "b/balloon-first");
    }

    @Test
    void plainAndBalloonFirstBytesAndTimeAreClose() {
        for (CalibrationRow r : rows) {
            if (r.strategy() == MigrationStrategy.FREE_PAGE_HINT) continue;
            String what = r.scenario().name() + "/" + r.strategy().cliName();
            assertThat(r.bytesError()).as(what + " bytes").isCloseTo(0, within(0.10));
            assertThat(r.timeError()).as(what + " total time").isCloseTo(0, within(0.20));
        }
    }

    @Test
    void freePageHintBytesAreWithinTheStatedGap() {
        for (CalibrationRow r : rows) {
            if (r.strategy() != MigrationStrategy.FREE_PAGE_HINT) continue;
            assertThat(r.bytesError()).as(r.scenario().name() + " free-page-hint bytes").isCloseTo(0, within(0.30));
        }
    }

    @Test
    void downtimeAndIterationsAreClose() {
        for (CalibrationRow r : rows) {
            String what = r.scenario().name() + "/" + r.strategy().cliName();
            assertThat(r.downtimeDifferenceMs()).as(what + " downtime ms").isCloseTo(0, within(80.0));
            assertThat(r.model().iterations()).as(what + " iterations").isCloseTo(r.measured().iterations(), within(1));
        }
    }

    @Test
    void theModelReproducesTheHeadlineSavingsOfScenarioA() {
        // the benchmark's claim: on a guest that freed most of its memory, the best strategy sends <= 0.3x plain
        double plain = rows.get(0).model().bytes();
        assertThat(rows.get(1).model().bytes() / plain).isLessThan(0.3);
        assertThat(rows.get(2).model().bytes() / plain).isLessThan(0.3);
    }
}
