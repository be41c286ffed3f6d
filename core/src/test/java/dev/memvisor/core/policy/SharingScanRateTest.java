package dev.memvisor.core.policy;

import dev.memvisor.core.InvalidSettingException;
import dev.memvisor.core.model.HostView;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.memvisor.core.unit.Size.GIB;
import static dev.memvisor.core.unit.Size.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sharing scan rate grows with machine memory as ksmtuned's does, and never falls below the fixed rate. */
class SharingScanRateTest {
    private static HostView host(long machine) {
        return new HostView(0, machine, machine / 2, 0, List.of());
    }

    @Test
    void aSixteenGibHostIsScannedAtKsmtunedsSlowestRate() {
        // ksmtuned: 64 pages per 10 ms on 16 GiB = 6400 pages/s; one pass of 4 Mi pages in 655 s
        assertThat(SharingScanRate.pagesPerSecond(PolicyConfig.defaults(), host(16 * GIB))).isEqualTo(6404);
        assertThat(SharingScanRate.pagesPerSecond(PolicyConfig.defaults(), host(32 * GIB))).isEqualTo(12808);
    }

    @Test
    void aSmallHostKeepsTheFixedRateAsItsFloor() {
        assertThat(SharingScanRate.pagesPerSecond(PolicyConfig.defaults(), host(500 * MIB))).isEqualTo(200);
    }

    @Test
    void aPassTimeOfZeroKeepsTheFixedRate() {
        PolicyConfig fixed = PolicyConfig.builder().sharingScanPassSeconds(0).sharingScanPagesPerSecond(300).build();
        assertThat(SharingScanRate.pagesPerSecond(fixed, host(64 * GIB))).isEqualTo(300);
    }

    @Test
    void aNegativePassTimeIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> PolicyConfig.builder().sharingScanPassSeconds(-1).build())
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("sharingScanPassSeconds");
    }
}
