package dev.memvisor.density.mix;

import dev.memvisor.settings.SettingsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Mix files: the examples load, entries expand in order, schedules come out as written or from a trace, mistakes name file, line and key. */
class MixLoaderTest {
    private static final long MIB = 1L << 20;
    private static final Path EXAMPLES = Path.of(System.getProperty("memvisor.root", "..")).resolve("examples");
    @TempDir Path dir;

    @Test
    void everyExampleLoads() throws Exception {
        try (var files = Files.list(EXAMPLES)) {
            List<Path> mixes = files.filter(p -> p.getFileName().toString().startsWith("density-")).sorted().toList();
            assertThat(mixes).hasSizeGreaterThanOrEqualTo(4);
            for (Path p : mixes) {
                Mix m = MixLoader.load(p, List.of());
                assertThat(m.guests()).as(p.toString()).isNotEmpty();
                assertThat(m.hostBytes()).isPositive();
            }
        }
    }

    @Test
    void entriesExpandInOrderWithTheirSettings() throws Exception {
        Mix m = load("""
                host: {memory: 1G}
                window: 10s
                guests:
                  - {name: busy, memory: 256M, workingSet: 128M, rate: 1500, fill: unique, cache: 32M, reservation: 64M}
                  - {name: idle, count: 3, workingSet: 16M, rate: 10}
                """);
        assertThat(m.guests()).extracting(MixGuest::name).containsExactly("busy", "idle-1", "idle-2", "idle-3");
        assertThat(m.guests()).extracting(MixGuest::entry).containsExactly(0, 1, 1, 1);
        MixGuest busy = m.guests().get(0);
        assertThat(busy.memoryBytes()).isEqualTo(256 * MIB);
        assertThat(busy.reservationBytes()).isEqualTo(64 * MIB);
        assertThat(busy.schedule()).isEqualTo(Schedule.constant(128 * MIB, 1500));
        assertThat(busy.cacheBytes()).isEqualTo(32 * MIB);
        assertThat(m.guests().get(1).memoryBytes()).isEqualTo(192 * MIB);
        assertThat(busy.schedule().kernelArgs(5, 0.1)).containsExactly("memvisor.sched=131072K:1500", "memvisor.step=5", "memvisor.cacheops=100");
    }

    @Test
    void aBitbrainsGuestGetsOneStepPerTraceRowOfItsWindow() throws Exception {
        Path trace = EXAMPLES.resolve("../data/traces/bitbrains-rnd-2013-7/1.csv.gz").toAbsolutePath().normalize();
        Mix m = load("""
                step: 5s
                window: 30s
                guests:
                  - {name: bb, memory: 256M, rate: 2000, bitbrains: {file: %s}}
                """.formatted(trace));
        Schedule s = m.guests().get(0).schedule();
        assertThat(s.length()).isEqualTo(6);
        for (int i = 0; i < s.length(); i++) {
            assertThat(s.workingSetBytes()[i]).isBetween(0L, 256 * MIB - MixLoader.GUEST_OS_BYTES);
            assertThat(s.workingSetBytes()[i] % MIB).isZero();
            assertThat(s.rates()[i]).isBetween(1, 2000);
        }
    }

    @Test
    void mistakesNameTheFileLineAndKey() throws Exception {
        assertError("guests:\n  - {name: a, fill: shiny}\n", "mix.yaml:2", "guests[0].fill", "same, unique or zero");
        assertError("guests:\n  - {name: a, memory: 128M, workingSet: 100M}\n", "guests[0].workingSet", "leaves the guest's kernel less than");
        assertError("window: 12s\nguests:\n  - {name: a, workingSet: 8M}\n", "field window", "multiple of");
        assertError("guests:\n  - {name: a}\n  - {name: a}\n", "guests[1].name", "a second guest named a");
        assertError("guests:\n  - {name: a, workingSet: 8M, schedule: [{workingSet: 8M}]}\n", "guests[0]", "one of workingSet, schedule or bitbrains");
        assertError("guests:\n  - {name: a, bitbrains: {file: nope.csv.gz}}\n", "guests[0].bitbrains.file", "no such file");
        assertError("guests:\n  - {name: a, rate: 0}\n", "guests[0].rate", "[1, 1000000]");
        assertError("guests: []\n", "guests", "expected a list of guests");
        assertError("guests:\n  - {name: a, colour: red}\n", "unknown field 'colour'");
    }

    @Test
    void setOverridesAKey() throws Exception {
        Path f = dir.resolve("mix.yaml");
        Files.writeString(f, "guests:\n  - {name: a, workingSet: 8M}\n");
        assertThat(MixLoader.load(f, List.of("window=60s", "host.memory=2G")).window().toSeconds()).isEqualTo(60);
        assertThat(MixLoader.load(f, List.of("host.memory=2G")).hostBytes()).isEqualTo(2048 * MIB);
    }

    private Mix load(String text) throws Exception {
        Path f = dir.resolve("mix.yaml");
        Files.writeString(f, text);
        return MixLoader.load(f, List.of());
    }

    private void assertError(String text, String... parts) throws Exception {
        Path f = dir.resolve("mix.yaml");
        Files.writeString(f, text);
        var t = assertThatThrownBy(() -> MixLoader.load(f, List.of())).isInstanceOf(SettingsException.class);
        for (String p : parts) t.hasMessageContaining(p);
    }
}
