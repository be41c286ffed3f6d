package dev.memvisor.sim.migration;

import dev.memvisor.sim.engine.Simulation;
import dev.memvisor.sim.guest.GuestOs;
import dev.memvisor.sim.scenario.Scenario;
import dev.memvisor.sim.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The migration model on a guest state taken from the page-level simulator after a run. */
class GuestPagesFromSimulationTest {
    @Test
    void aSimulatedGuestsFreePagesAreKnownToTheModel() {
        Scenario s = ScenarioLoader.parse("""
                seed: 2
                duration: 20s
                sampleInterval: 5s
                host: {memory: 2G, cores: 2, controlInterval: 5s}
                vms:
                  - name: db
                    memory: 256M
                    guest: {osMemory: 32M}
                    workload: {workingSet: 128M, writeFraction: 0.5}
                """, "fromvm.yaml", Path.of("."), List.of());
        Simulation sim = new Simulation(s);
        sim.run((d, t) -> {});
        GuestOs vm = sim.host().guest(0);
        GuestPages g = GuestPages.fromVm(vm);

        assertThat(g.pages()).isEqualTo(256 * 256);
        assertThat(g.freePages()).isEqualTo(vm.guestFreePages()).isPositive();
        assertThat(g.workingSetPages()).isEqualTo(vm.anonPages());
        assertThat(g.inUsePages()).isEqualTo(vm.anonPages() + vm.cachePages());
        // the pages the guest never touched have no machine page behind them: they read as zero
        assertThat(g.zeroPages()).isGreaterThanOrEqualTo(g.freePages());

        PreCopyModel m = new PreCopyModel(PreCopyParams.qemuDefaults());
        DirtyModel d = DirtyModel.sequential(2000);
        PreCopyResult plain = m.run(g, d, MigrationStrategy.PLAIN);
        PreCopyResult hint = m.run(g, d, MigrationStrategy.FREE_PAGE_HINT);
        assertThat(hint.skippedFreePages()).isEqualTo(vm.guestFreePages());
        assertThat(hint.bytes()).isLessThan(plain.bytes());
        // plain sends every page at least once
        assertThat(plain.normalPages() + plain.zeroPages()).isGreaterThanOrEqualTo(g.pages());
    }
}
