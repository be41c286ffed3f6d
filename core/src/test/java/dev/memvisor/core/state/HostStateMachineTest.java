package dev.memvisor.core.state;

import dev.memvisor.core.InvalidSettingException;
import dev.memvisor.core.model.HostMemoryState;
import dev.memvisor.core.model.MemoryThresholds;
import dev.memvisor.core.policy.PolicyConfig;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.memvisor.core.model.HostMemoryState.CLEAR;
import static dev.memvisor.core.model.HostMemoryState.HARD;
import static dev.memvisor.core.model.HostMemoryState.HIGH;
import static dev.memvisor.core.model.HostMemoryState.LOW;
import static dev.memvisor.core.model.HostMemoryState.SOFT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostStateMachineTest {
    private final MemoryThresholds esx = MemoryThresholds.ESX_DEFAULT;

    private List<HostMemoryState> feed(double... free) {
        HostStateMachine m = new HostStateMachine(esx);
        return java.util.Arrays.stream(free).mapToObj(m::update).toList();
    }

    @Test
    void fallsAsSoonAsFreeMemoryCrossesAThreshold() {
        assertThat(feed(0.10, 0.05, 0.039, 0.019, 0.009)).containsExactly(HIGH, HIGH, SOFT, HARD, LOW);
        assertThat(feed(0.005)).containsExactly(LOW);
    }

    @Test
    void climbsOnlyOnceTheNextHigherThresholdIsReached() {
        // Into soft at 3.9 %; 5 % is above soft's 4 % but below high's 6 %: stays soft; 6 % returns to high.
        assertThat(feed(0.039, 0.05, 0.059, 0.06)).containsExactly(SOFT, SOFT, SOFT, HIGH);
        // Low left for hard at 2 %, hard for soft at 4 %.
        assertThat(feed(0.005, 0.015, 0.02, 0.03, 0.04, 0.07)).containsExactly(LOW, LOW, HARD, HARD, SOFT, HIGH);
    }

    @Test
    void aBigRecoveryClimbsSeveralStatesAtOnce() {
        assertThat(feed(0.005, 0.5)).containsExactly(LOW, HIGH);
        assertThat(feed(0.005, 0.045)).containsExactly(LOW, SOFT);
    }

    @Test
    void eachStateAllowsWhatTheIssueSays() {
        assertThat(ReclamationMode.of(HIGH)).isEqualTo(new ReclamationMode(true, false, false, false, false));
        assertThat(ReclamationMode.of(CLEAR)).isEqualTo(new ReclamationMode(true, false, false, false, false));
        assertThat(ReclamationMode.of(SOFT)).isEqualTo(new ReclamationMode(true, true, false, false, false));
        assertThat(ReclamationMode.of(HARD)).isEqualTo(new ReclamationMode(true, true, true, true, false));
        assertThat(ReclamationMode.of(LOW)).isEqualTo(new ReclamationMode(true, true, true, true, true));
    }

    @Test
    void esxi6StatesAsEppingsTableHasThem() {
        MemoryStateModel m = MemoryStateModel.ESXI6;
        assertThat(m.mode(CLEAR)).isEqualTo(new ReclamationMode(true, false, false, false, false));
        assertThat(m.mode(SOFT)).isEqualTo(new ReclamationMode(true, true, false, false, false));
        assertThat(m.mode(HARD)).as("the balloon stops in hard").isEqualTo(new ReclamationMode(true, false, true, true, false));
        assertThat(m.mode(LOW)).as("low: compress, swap, block").isEqualTo(new ReclamationMode(false, false, true, true, true));
        assertThat(MemoryStateModel.CLASSIC.mode(HARD)).isEqualTo(ReclamationMode.of(HARD));
    }

    @Test
    void fiveStatesFallThroughClearAndClimbBackToHighOnlyAtTheHighThreshold() {
        // ESXi 6 on a 16 GiB host: minFree 0.04 (655 MB): high 16 %, clear 4 %, soft 2.56 %, hard 1.28 %, low 0.64 %
        MemoryThresholds t = MinFreeThresholds.esxi6(16L << 30);
        HostStateMachine m = new HostStateMachine(t);
        assertThat(java.util.stream.DoubleStream.of(0.10, 0.039, 0.03, 0.025, 0.012, 0.006, 0.013, 0.03, 0.06, 0.159, 0.16)
                .mapToObj(m::update).toList())
                .containsExactly(HIGH, CLEAR, CLEAR, SOFT, HARD, LOW, HARD, SOFT, CLEAR, CLEAR, HIGH);
        // a host that never fell below 100 % of minFree stays high however close it is
        assertThat(new HostStateMachine(t).update(0.041)).isEqualTo(HIGH);
        assertThat(HostStateMachine.stateless(0.03, t)).isEqualTo(CLEAR);
    }

    @Test
    void thresholdsBySettingAndMachineSize() {
        PolicyConfig esxi6 = PolicyConfig.builder().memoryStates("esxi6").build();
        assertThat(esxi6.thresholdsFor(16L << 30)).isEqualTo(MinFreeThresholds.esxi6(16L << 30));
        assertThat(PolicyConfig.defaults().thresholdsFor(16L << 30)).isEqualTo(MemoryThresholds.ESX_DEFAULT);
        assertThat(PolicyConfig.builder().memoryStates("esxi5").build().thresholdsFor(16L << 30))
                .isEqualTo(MinFreeThresholds.forMachine(16L << 30));
        assertThatThrownBy(() -> PolicyConfig.builder().memoryStates("esx7").build())
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("memoryStates: got esx7, expected one of classic, esxi5, esxi6");
        // the machine size reaches the state machine with every observation
        HostStateMachine m = new HostStateMachine(esxi6::thresholdsFor);
        assertThat(m.update(600L << 20, 16L << 30)).isEqualTo(CLEAR); // 600 MB < 655 MB minFree
        assertThat(m.update(2000L << 20, 16L << 30)).isEqualTo(CLEAR); // below 400 %
        assertThat(m.update(2700L << 20, 16L << 30)).isEqualTo(HIGH);
    }

    @Test
    void aClearThresholdMustSitBetweenSoftAndHigh() {
        assertThatThrownBy(() -> new MemoryThresholds(0.06, 0.03, 0.04, 0.02, 0.01))
                .hasMessageContaining("thresholds.soft: got 0.04, expected above thresholds.hard (0.02) and below thresholds.clear (0.03)");
        assertThatThrownBy(() -> new MemoryThresholds(0.06, 0.07, 0.04, 0.02, 0.01))
                .hasMessageContaining("thresholds.clear: got 0.07, expected 0 (no clear state), or above thresholds.soft (0.04) and below thresholds.high (0.06)");
    }

    @Test
    void thresholdsOutOfOrderAreRefusedNamingFieldValueAndRange() {
        assertThatThrownBy(() -> new MemoryThresholds(0.06, 0.01, 0.02, 0.005))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("thresholds.hard: got 0.02, expected above thresholds.low (0.005) and below thresholds.soft (0.01)");
        assertThatThrownBy(() -> new MemoryThresholds(1.2, 0.04, 0.02, 0.01))
                .hasMessageContaining("thresholds.high: got 1.2");
    }

    @Property
    void theStateNeverClimbsAboveWhatFreeMemoryAllowsNorFallsShortOfIt(
            @ForAll @Size(min = 1, max = 30) List<@DoubleRange(min = 0, max = 0.1) Double> free) {
        HostStateMachine m = new HostStateMachine(esx);
        for (double f : free) {
            HostMemoryState s = m.update(f);
            // Never better than the stateless state, and never more than one band worse
            // (hysteresis keeps a state only while free memory stays below the next threshold up).
            assertThat(s.ordinal()).isGreaterThanOrEqualTo(HostStateMachine.stateless(f, esx).ordinal());
            if (f >= esx.high()) assertThat(s).isEqualTo(HIGH);
            if (f < esx.low()) assertThat(s).isEqualTo(LOW);
        }
    }
}
