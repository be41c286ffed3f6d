package dev.memvisor.density;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Nearest-rank percentiles, worked by hand. */
class PercentilesTest {
    @Test
    void nearestRank() {
        double[] v = {1.5, 1.0, 1.1, 1.3};
        assertThat(Percentiles.nearestRank(v, 95)).isEqualTo(1.5);   // rank ceil(3.8) = 4
        assertThat(Percentiles.nearestRank(v, 50)).isEqualTo(1.1);   // rank 2
        assertThat(Percentiles.nearestRank(v, 25)).isEqualTo(1.0);   // rank 1
        double[] twenty = new double[20];
        for (int i = 0; i < 20; i++) twenty[i] = i + 1;
        assertThat(Percentiles.nearestRank(twenty, 95)).isEqualTo(19); // rank 19: one guest of twenty may pass the bound
        assertThat(Percentiles.nearestRank(new double[0], 95)).isNaN();
    }
}
