package dev.memvisor.core.state;

import dev.memvisor.core.model.MemoryThresholds;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.memvisor.core.model.HostMemoryState.HARD;
import static org.assertj.core.api.Assertions.assertThat;

class StateChangeTriggerTest {
    private static final long MACHINE = 10_000;

    /** Which of these free-memory observations (out of 10,000 bytes) trigger a new decision. */
    private static List<Integer> triggers(long... free) {
        StateChangeTrigger t = new StateChangeTrigger(MemoryThresholds.ESX_DEFAULT);
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < free.length; i++) if (t.changed(free[i], MACHINE)) at.add(i);
        return at;
    }

    @Test
    void triggersOnEveryStateChangeAndNothingElse() {
        // 10 % high; 7 % high; 3.9 % soft (trigger); 3 % soft; 1.5 % hard (trigger); 4.5 % soft (trigger: hard -> soft at 4 %)
        assertThat(triggers(1000, 700, 390, 300, 150, 450)).containsExactly(2, 4, 5);
    }

    @Test
    void hysteresisKeepsAHostHoveringNearAThresholdFromTriggeringEachTime() {
        // around the soft threshold (4 %): the first fall triggers; back above 4 % but below 6 % stays soft
        assertThat(triggers(410, 390, 410, 390, 420, 380, 590)).containsExactly(1);
        // reaching 6 % returns to high (trigger), falling under 4 % again triggers again
        assertThat(triggers(390, 600, 390)).containsExactly(0, 1, 2);
    }

    @Test
    void aFallThroughSeveralStatesAtOnceIsOneTrigger() {
        StateChangeTrigger t = new StateChangeTrigger(MemoryThresholds.ESX_DEFAULT);
        assertThat(t.changed(150, MACHINE)).isTrue();
        assertThat(t.state()).isEqualTo(HARD);
        assertThat(t.changed(160, MACHINE)).isFalse();
    }
}
