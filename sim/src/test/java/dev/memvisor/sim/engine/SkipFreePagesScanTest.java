package dev.memvisor.sim.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memvisor.sim.report.SimResult;
import dev.memvisor.sim.report.SummaryWriter;
import dev.memvisor.sim.scenario.Scenario;
import dev.memvisor.sim.scenario.ScenarioException;
import dev.memvisor.sim.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code host.sharing.skipFreePages}: two guests of one image whose applications grow into mostly
 * free memory, read from the image, under a slow scanner (a sweep of both guests takes 65 s).
 * Skipping free pages spends the same scan budget on pages in use, so the sharing of the newly
 * loaded image pages converges sooner; the free pages themselves are never shared.
 */
class SkipFreePagesScanTest {
    private static final String SCENARIO = """
            seed: 3
            duration: 120s
            sampleInterval: 2s
            step: 100ms
            policy: {name: esx, sharingScanPagesPerSecond: 4000}
            host:
              memory: 4G
              cores: 4
              controlInterval: 2s
            vms:
              - name: v
                count: 2
                memory: 512M
                image: linux
                guest: {osMemory: 64M, zeroOnBoot: %s}
                workload: {workingSet: 8M, maxWorkingSet: 96M, growthPerSecond: 4M, fromImage: true, writeFraction: 0, refsPerSecond: 20000}
            """;

    private static JsonNode run(boolean zeroOnBoot, String... sets) throws Exception {
        Scenario s = ScenarioLoader.parse(SCENARIO.formatted(zeroOnBoot), "skip.yaml", Path.of("."), List.of(sets));
        SimResult r = new Simulation(s).run((d, t) -> {});
        return SummaryWriter.summary(r).path("host");
    }

    @Test
    void skippingFreePagesMakesSharingConvergeSooner() throws Exception {
        JsonNode plain = run(false);
        JsonNode skip = run(false, "host.sharing.skipFreePages=true");
        JsonNode p = plain.path("sharingScan"), k = skip.path("sharingScan");
        assertThat(p.path("skipFreePages").asBoolean()).isFalse();
        assertThat(k.path("skipFreePages").asBoolean()).isTrue();
        assertThat(p.path("skippedFreePages").asLong()).isZero();
        // 4000 pages/s for 120 s: both examine the same number of pages, but one passes over free pages besides
        assertThat(k.path("scannedPages").asLong()).isEqualTo(p.path("scannedPages").asLong());
        assertThat(k.path("skippedFreePages").asLong()).isGreaterThan(k.path("scannedPages").asLong());
        // the image pages are shared either way; skipping gets there sooner
        assertThat(skip.path("peakSharedSavedBytes").asLong()).isGreaterThan(0);
        assertThat(skip.path("peakSharedSavedBytes").asLong()).isGreaterThanOrEqualTo(plain.path("peakSharedSavedBytes").asLong() * 9 / 10);
        // the scanner overtakes the growing applications at about 19 s; pages loaded after that wait for the next sweep
        // (65 s later) unless the scanner passes over the free pages and comes back at once
        assertThat(k.path("secondsToPeakSaved").asDouble()).isLessThan(p.path("secondsToPeakSaved").asDouble());
        assertThat(skip.path("sharedSavedBytes").asLong()).isGreaterThan(plain.path("sharedSavedBytes").asLong());
    }

    @Test
    void zeroedFreePagesAreNotSharedWhenSkipped() throws Exception {
        // a guest that zeroes its memory at boot: without skipping, its free zero pages are the bulk of the sharing
        JsonNode plain = run(true);
        JsonNode skip = run(true, "host.sharing.skipFreePages=true");
        assertThat(skip.path("peakSharedSavedBytes").asLong()).isLessThan(plain.path("peakSharedSavedBytes").asLong() / 2);
    }

    @Test
    void aNullSharingMappingIsRefusedWithItsPath() {
        assertThatThrownBy(() -> ScenarioLoader.parse(SCENARIO.formatted(false), "skip.yaml", Path.of("."), List.of("host.sharing=null")))
                .isInstanceOf(ScenarioException.class).hasMessageContaining("host.sharing");
    }
}
