package dev.memvisor.qemu.manager;

import dev.memvisor.core.model.HostMemoryState;
import dev.memvisor.core.model.MemoryThresholds;
import dev.memvisor.core.model.Plan;
import dev.memvisor.core.policy.MemoryPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.memvisor.qemu.manager.FakeProc.MIB;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The loop's own waits between intervals, on a fake /proc without a budget (free = MemAvailable):
 * free memory falling below soft between two intervals causes exactly one extra decision, marked
 * "state", the next interval keeps its schedule, and stopping ends the wait at once.
 */
class ControlLoopStateTriggerTest {
    private static final Duration INTERVAL = Duration.ofSeconds(3);
    private static final Duration CHECK = Duration.ofMillis(500);
    private static final MemoryPolicy PLAIN = v -> new Plan(v.timeMillis(), HostMemoryState.HIGH, 0, List.of());

    @TempDir Path dir;

    @Test
    void aFallBelowSoftBetweenIntervalsDecidesOnceAtOnceAndTheScheduleHolds() throws Exception {
        FakeProc proc = new FakeProc(dir);
        proc.meminfo(1000 * MIB, 500 * MIB);
        BlockingQueue<Decision> decisions = new LinkedBlockingQueue<>();
        List<String> events = new ArrayList<>();
        HostConfig cfg = new HostConfig("plain", INTERVAL, CHECK, 0, 32 * MIB, 0, null, false, 20, false, 0, List.of());
        AtomicBoolean stop = new AtomicBoolean();
        try (ControlLoop loop = new ControlLoop(cfg, PLAIN, MemoryThresholds.ESX_DEFAULT, proc.paths(), decisions::add, events::add)) {
            Thread runner = new Thread(() -> loop.run(stop), "control-loop");
            runner.start();
            try {
                Decision first = next(decisions);
                assertThat(first.trigger()).isEqualTo(Trigger.INTERVAL);
                assertThat(first.view().freeBytes()).isEqualTo(500 * MIB);

                proc.meminfo(1000 * MIB, 30 * MIB); // 3 % free: below soft (4 %)
                Decision state = next(decisions);
                assertThat(state.trigger()).as("the decision after the fall").isEqualTo(Trigger.STATE);
                assertThat(state.view().freeBytes()).isEqualTo(30 * MIB);
                assertThat(state.startNanos() - first.startNanos()).as("seen between the intervals")
                        .isLessThan(INTERVAL.toNanos());
                // hovering above soft but below high (6 %): later checks see soft still, and do not decide
                proc.meminfo(1000 * MIB, 50 * MIB);

                Decision second = next(decisions);
                assertThat(second.trigger()).as("no second state decision while hovering").isEqualTo(Trigger.INTERVAL);
                assertThat(second.startNanos()).as("the interval after the state decision keeps the regular schedule")
                        .isGreaterThanOrEqualTo(first.startNanos() + INTERVAL.toNanos())
                        .isLessThan(state.startNanos() + INTERVAL.toNanos());
            } finally {
                long t0 = System.nanoTime();
                synchronized (stop) {
                    stop.set(true);
                    stop.notifyAll();
                }
                runner.join(TimeUnit.SECONDS.toMillis(10));
                assertThat(runner.isAlive()).as("the loop stopped").isFalse();
                assertThat(System.nanoTime() - t0).as("stop ends the wait before the next interval").isLessThan(INTERVAL.toNanos());
            }
            assertThat(decisions).as("no decision after the stop").allMatch(d -> d.trigger() == Trigger.INTERVAL).hasSizeLessThanOrEqualTo(1);
            assertThat(events).noneMatch(e -> e.startsWith("state check"));
        }
    }

    @Test
    void aZeroCheckIntervalTurnsTheChecksOff() throws Exception {
        FakeProc proc = new FakeProc(dir);
        BlockingQueue<Decision> decisions = new LinkedBlockingQueue<>();
        HostConfig cfg = new HostConfig("plain", Duration.ofMillis(1500), Duration.ZERO, 0, 32 * MIB, 0, null, false, 20, false, 0, List.of());
        AtomicBoolean stop = new AtomicBoolean();
        try (ControlLoop loop = new ControlLoop(cfg, PLAIN, MemoryThresholds.ESX_DEFAULT, proc.paths(), decisions::add, e -> { })) {
            Thread runner = new Thread(() -> loop.run(stop), "control-loop");
            runner.start();
            try {
                Decision first = next(decisions);
                proc.meminfo(1000 * MIB, 5 * MIB);
                Decision second = next(decisions);
                assertThat(second.trigger()).isEqualTo(Trigger.INTERVAL);
                assertThat(second.view().freeBytes()).as("the fall is seen at the next interval only").isEqualTo(5 * MIB);
                assertThat(second.startNanos() - first.startNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(1500).toNanos());
            } finally {
                synchronized (stop) {
                    stop.set(true);
                    stop.notifyAll();
                }
                runner.join(TimeUnit.SECONDS.toMillis(10));
            }
        }
    }

    /** The next decision, waiting at most 20 s (a loaded CI machine), failing the test otherwise. */
    private static Decision next(BlockingQueue<Decision> q) throws InterruptedException {
        Decision d = q.poll(20, TimeUnit.SECONDS);
        assertThat(d).as("a decision within 20 s").isNotNull();
        return d;
    }
}
