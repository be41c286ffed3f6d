package dev.memvisor.qemu.manager;

import dev.memvisor.core.model.HostMemoryState;
import dev.memvisor.core.model.MemoryThresholds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.memvisor.qemu.manager.FakeProc.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The cheap between-interval view of free memory, on a fake /proc: MemAvailable, or a budget less the QEMUs' statm. */
class StateWatchTest {
    @TempDir Path dir;

    @Test
    void withoutABudgetAFallBelowSoftIsOneChangeAndHoveringBelowHighIsNone() {
        FakeProc proc = new FakeProc(dir);
        StateWatch w = new StateWatch(MemoryThresholds.ESX_DEFAULT, dir);
        proc.meminfo(1000 * MIB, 500 * MIB);
        assertThat(w.check(0, List.of())).as("50 % free: still high").isFalse();
        proc.meminfo(1000 * MIB, 39 * MIB);
        assertThat(w.check(0, List.of())).as("3.9 % free: below soft").isTrue();
        assertThat(w.state()).isEqualTo(HostMemoryState.SOFT);
        // around the soft threshold and up to just under high (6 %): hysteresis keeps soft, no decision
        int changes = 0;
        for (long free : new long[] {41, 38, 45, 39, 59, 40, 55, 39}) {
            proc.meminfo(1000 * MIB, free * MIB);
            if (w.check(0, List.of())) changes++;
        }
        assertThat(changes).as("re-decisions while hovering between soft and high").isZero();
        proc.meminfo(1000 * MIB, 60 * MIB);
        assertThat(w.check(0, List.of())).as("6 %: back to high").isTrue();
        assertThat(w.state()).isEqualTo(HostMemoryState.HIGH);
    }

    @Test
    void aCollectionKeepsTheWatchInStepSoTheSameStateIsNoChange() {
        FakeProc proc = new FakeProc(dir);
        StateWatch w = new StateWatch(MemoryThresholds.ESX_DEFAULT, dir);
        w.collected(15 * MIB, 1000 * MIB); // the interval's decision already saw hard
        proc.meminfo(1000 * MIB, 15 * MIB);
        assertThat(w.check(0, List.of())).isFalse();
        proc.meminfo(1000 * MIB, 5 * MIB);
        assertThat(w.check(0, List.of())).as("0.5 %: low").isTrue();
        assertThat(w.state()).isEqualTo(HostMemoryState.LOW);
    }

    @Test
    void withABudgetFreeIsTheBudgetLessResidentMemoryLessKsmProfitAtMostTheBalloonActual() {
        FakeProc proc = new FakeProc(dir);
        StateWatch w = new StateWatch(MemoryThresholds.ESX_DEFAULT, dir);
        ManagedVm a = vm("a", 101, 200 * MIB, 10 * MIB);
        ManagedVm b = vm("b", 102, 100 * MIB, 0);
        ManagedVm gone = vm("gone", 103, 100 * MIB, 0);
        ManagedVm down = vm("down", 104, 100 * MIB, 0);
        down.observed = false;
        proc.resident(101, 150 * MIB);
        proc.resident(102, 130 * MIB); // QEMU's own memory above the guest's: counted up to the guest's actual
        proc.resident(104, 100 * MIB);
        List<ManagedVm> vms = List.of(a, b, gone, down);
        assertThat(w.usedByGuests(vms)).isEqualTo(140 * MIB + 100 * MIB);
        assertThat(w.check(1000 * MIB, vms)).as("76 % free").isFalse();
        proc.resident(101, 200 * MIB);
        proc.resident(102, 100 * MIB);
        assertThat(w.check(300 * MIB, vms)).as("budget 300M, used 290M: 3.3 % free").isTrue();
        assertThat(w.state()).isEqualTo(HostMemoryState.SOFT);
    }

    @Test
    void aStatmThatIsNotOneNamesTheFile() {
        FakeProc proc = new FakeProc(dir);
        ManagedVm a = vm("a", 7, 100 * MIB, 0);
        proc.resident(7, MIB);
        java.nio.file.Path statm = dir.resolve("7/statm");
        try {
            java.nio.file.Files.writeString(statm, "garbage\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        StateWatch w = new StateWatch(MemoryThresholds.ESX_DEFAULT, dir);
        assertThatThrownBy(() -> w.check(100 * MIB, List.of(a))).hasMessageContaining(statm.toString()).hasMessageContaining("resident");
    }

    private static ManagedVm vm(String name, long pid, long actual, long ksmProfit) {
        ManagedVm vm = new ManagedVm(new VmConfig(name, Path.of(name + ".qmp"), -1, 0, -1, "normal", true));
        vm.pid = pid;
        vm.observed = true;
        vm.lastActualBytes = actual;
        vm.lastKsmProfitBytes = ksmProfit;
        return vm;
    }
}
