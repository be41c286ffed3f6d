package dev.memvisor.core.state;

import dev.memvisor.core.model.MemoryThresholds;
import org.junit.jupiter.api.Test;

import static dev.memvisor.core.unit.Size.GIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

class MinFreeThresholdsTest {
    @Test
    void minFreeScalesDownWithHostSize() {
        // 16G: 6 % of 4G + 4 % of 8G + 2 % of 4G = 0.24G + 0.32G + 0.08G = 0.64G.
        assertThat(MinFreeThresholds.minFreeBytes(16 * GIB)).isEqualTo(Math.round(0.64 * GIB));
        // 2G: 6 %; 128G: 0.24 + 0.32 + 0.32 + 1 = 1.88G.
        assertThat(MinFreeThresholds.minFreeBytes(2 * GIB)).isEqualTo(Math.round(0.12 * GIB));
        assertThat(MinFreeThresholds.minFreeBytes(128 * GIB)).isEqualTo(Math.round(1.88 * GIB));
    }

    @Test
    void statesAreFractionsOfMinFree() {
        MemoryThresholds t = MinFreeThresholds.forMachine(16 * GIB);
        assertThat(t.high()).isCloseTo(0.04, offset(1e-9));
        assertThat(t.soft()).isCloseTo(0.0256, offset(1e-9));
        assertThat(t.hard()).isCloseTo(0.0128, offset(1e-9));
        assertThat(t.low()).isCloseTo(0.0064, offset(1e-9));
    }
}
