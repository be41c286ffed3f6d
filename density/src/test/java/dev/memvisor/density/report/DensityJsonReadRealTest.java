package dev.memvisor.density.report;

import dev.memvisor.density.DensityReport;
import dev.memvisor.density.ModelVsMeasured;
import dev.memvisor.density.PolicyResult;
import dev.memvisor.density.StepResult;
import dev.memvisor.density.mix.Mix;
import dev.memvisor.density.mix.MixLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading the real results of a saved density.json back: what the comparison with the simulator starts from. */
class DensityJsonReadRealTest {
    private static final Path ROOT = Path.of(System.getProperty("memvisor.root", ".."));
    private static final Path MEASURED = ROOT.resolve("examples/measured/density-idle-heavy/mom.json");
    @TempDir Path dir;

    @Test
    void aSavedRealRunReadsBackStepForStepAndComparesEqualWithItself() throws Exception {
        Mix mix = MixLoader.load(ROOT.resolve("examples/density-idle-heavy.yaml"), List.of());
        DensityJson.SavedRun saved = DensityJson.readReal(MEASURED, mix);
        assertThat(saved.accelerator()).isEqualTo("TCG");
        Map<String, PolicyResult> real = saved.results();
        assertThat(real).containsOnlyKeys("mom");
        PolicyResult mom = real.get("mom");
        assertThat(mom.guestsAdmitted()).isEqualTo(8);
        assertThat(mom.steps()).hasSize(9);
        StepResult third = mom.steps().get(2);
        assertThat(third.guests()).isEqualTo(3);
        assertThat(third.balloonBytes()).isEqualTo(205_520_896L);
        assertThat(third.measures()).extracting(m -> m.name()).containsExactly("busy-a", "idle-a-1", "idle-a-2");

        // written again and read again: the same steps; compared with itself: every row 0 % off
        DensityReport again = new DensityReport(mix, new dev.memvisor.density.DensityBounds(1.2, 1L << 27), "TCG", null, Map.of(), List.of("mom"), real, real);
        Files.writeString(dir.resolve("density.json"), DensityJson.text(again));
        PolicyResult back = DensityJson.readReal(dir.resolve("density.json"), mix).results().get("mom");
        for (int i = 0; i < mom.steps().size(); i++) {
            assertThat(back.steps().get(i).slowdowns()).containsExactly(mom.steps().get(i).slowdowns());
            assertThat(back.steps().get(i).hostSwapBytes()).isEqualTo(mom.steps().get(i).hostSwapBytes());
        }
        assertThat(ModelVsMeasured.rows(again)).isNotEmpty().allMatch(r -> r.error() == 0 && r.within());
    }

    @Test
    void anotherMixOrABrokenFileIsNamed() throws Exception {
        Mix other = MixLoader.load(ROOT.resolve("examples/density-identical.yaml"), List.of());
        assertThatThrownBy(() -> DensityJson.readReal(MEASURED, other)).hasMessageContaining("mom.json").hasMessageContaining("\"mix\" is 'idle-heavy'");
        Mix mix = MixLoader.load(ROOT.resolve("examples/density-idle-heavy.yaml"), List.of());
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, Files.readString(MEASURED).replace("\"guests\" : 3,", "\"guests\" : \"three\","));
        assertThatThrownBy(() -> DensityJson.readReal(bad, mix)).hasMessageContaining("bad.json: policies[0].real.steps[2].guests").hasMessageContaining("whole number");
        Files.writeString(bad, "{not json");
        assertThatThrownBy(() -> DensityJson.readReal(bad, mix)).hasMessageContaining("bad.json: cannot read it as density.json");
    }
}
