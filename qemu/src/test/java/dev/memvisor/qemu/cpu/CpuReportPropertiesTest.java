package dev.memvisor.qemu.cpu;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Invariants of the reporter's format and the interval figures, over generated guests. */
class CpuReportPropertiesTest {
    /**
     * A guest with {@code cpus} processors at HZ 100 writing a block every {@code seconds}: each interval its
     * processors are busy {@code busyTicks} of every 100 ticks per processor, and process 10 runs {@code procTicks}
     * ticks per second.
     */
    @Property(tries = 200)
    void busyAndProcessFiguresComeBackFromTheText(@ForAll @IntRange(min = 1, max = 8) int cpus, @ForAll @IntRange(min = 1, max = 30) int seconds,
                                                  @ForAll @IntRange(min = 0, max = 100) int busyTicks, @ForAll @IntRange(min = 0, max = 100) int procTicks,
                                                  @ForAll @LongRange(min = 0, max = 10_000_000) long bootMs, @ForAll long seed) {
        Random rnd = new Random(seed);
        StringBuilder text = new StringBuilder();
        long user = rnd.nextInt(1000), idle = rnd.nextInt(1000), utime = rnd.nextInt(100);
        for (int b = 0; b < 4; b++) {
            long ms = bootMs + 1000L * seconds * b;
            // busy split between user and system does not matter to the total
            text.append("MVCPU ").append(ms).append(" cpu ").append(user).append(" 0 0 ").append(idle).append(" 0 0 0 0 0 0\r\n");
            if (rnd.nextBoolean()) text.append('\n'); // blank lines are allowed
            text.append("MVPROC ").append(ms).append(" 10 busy_task ").append(utime).append(" 0\r\n");
            text.append("MVPROC ").append(ms).append(' ').append(100 + b).append(" short-lived 1 1\r\n");
            text.append("MVEND ").append(ms).append(" 100\r\n");
            user += (long) busyTicks * cpus * seconds;
            idle += (long) (100 - busyTicks) * cpus * seconds;
            utime += (long) procTicks * seconds;
        }
        CpuReportParser p = new CpuReportParser("gen");
        List<CpuReport> blocks = new ArrayList<>();
        for (String l : text.toString().split("\n")) p.accept(l).ifPresent(blocks::add);
        assertThat(blocks).hasSize(4);
        for (int i = 1; i < blocks.size(); i++) {
            GuestCpuInterval iv = GuestCpuInterval.between(blocks.get(i - 1), blocks.get(i));
            assertThat(iv.processors()).isEqualTo(cpus);
            assertThat(iv.busyPct()).isCloseTo(busyTicks, within(1e-9));
            assertThat(iv.processPct().get("busy_task:10")).isCloseTo(procTicks, within(1e-9));
            // a new pid each block: never in two consecutive blocks, so never an interval figure
            assertThat(iv.processPct()).containsOnlyKeys("busy_task:10");
            assertThat(iv.endMillis() - iv.startMillis()).isEqualTo(1000L * seconds);
        }
    }
}
