package dev.memvisor.qemu.manager;

import dev.memvisor.core.control.Trigger;
import dev.memvisor.core.model.HostMemoryState;
import dev.memvisor.core.model.Plan;
import dev.memvisor.core.policy.MemoryPolicy;
import dev.memvisor.core.policy.PolicyConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.memvisor.qemu.manager.FakeProc.MIB;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The manager's wall-clock driver on a fake /proc without a budget (free = MemAvailable): free
 * memory falling below soft between two intervals causes exactly one extra decision, marked "state",
 * the next interval keeps its schedule, a stalled decision does not make the missed intervals come
 * back to back, and stopping ends the wait at once.
 */
class ManagerLoopTest {
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
        try (ManagerLoop loop = new ManagerLoop(cfg, PLAIN, PolicyConfig.defaults(), proc.paths(), decisions::add, events::add)) {
            Thread runner = new Thread(() -> loop.run(stop), "manager-loop");
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
                assertThat(second.view().timeMillis()).as("the interval after the state decision keeps the regular schedule")
                        .isGreaterThanOrEqualTo(INTERVAL.toMillis())
                        .isLessThan(state.view().timeMillis() + INTERVAL.toMillis());
            } finally {
                long t0 = System.nanoTime();
                stop(stop, runner);
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
        try (ManagerLoop loop = new ManagerLoop(cfg, PLAIN, PolicyConfig.defaults(), proc.paths(), decisions::add, e -> { })) {
            Thread runner = new Thread(() -> loop.run(stop), "manager-loop");
            runner.start();
            try {
                next(decisions); // the first decision
                proc.meminfo(1000 * MIB, 5 * MIB);
                Decision second = next(decisions);
                assertThat(second.trigger()).isEqualTo(Trigger.INTERVAL);
                assertThat(second.view().freeBytes()).as("the fall is seen at the next interval only").isEqualTo(5 * MIB);
                assertThat(second.view().timeMillis()).isGreaterThanOrEqualTo(1500);
            } finally {
                stop(stop, runner);
            }
        }
    }

    /**
     * Issue 11, item 2: a decision that stalls for several intervals (here the policy, standing in for
     * a host that could not be read) is followed by one decision, not by the missed ones back to back;
     * the one after it is on the original grid.
     */
    @Test
    void aStallSkipsTheMissedIntervalsInsteadOfReplayingThem() throws Exception {
        FakeProc proc = new FakeProc(dir);
        long interval = 400;
        CountDownLatch stalled = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        MemoryPolicy stalling = v -> {
            if (calls.incrementAndGet() == 2) {
                stalled.countDown();
                try {
                    Thread.sleep(interval * 7 / 2); // the stall under test, not a wait for another thread
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return PLAIN.decide(v);
        };
        BlockingQueue<Decision> decisions = new LinkedBlockingQueue<>();
        HostConfig cfg = new HostConfig("plain", Duration.ofMillis(interval), Duration.ZERO, 0, 32 * MIB, 0, null, false, 20, false, 0, List.of());
        AtomicBoolean stop = new AtomicBoolean();
        try (ManagerLoop loop = new ManagerLoop(cfg, stalling, PolicyConfig.defaults(), proc.paths(), decisions::add, e -> { })) {
            Thread runner = new Thread(() -> loop.run(stop), "manager-loop");
            runner.start();
            try {
                next(decisions);
                assertThat(stalled.await(20, TimeUnit.SECONDS)).isTrue();
                Decision slow = next(decisions);
                Decision after = next(decisions);
                Decision then = next(decisions);
                long gapAfter = after.startNanos() - (slow.startNanos() + slow.stepNanos());
                assertThat(gapAfter).as("the decision due during the stall comes at once").isLessThan(TimeUnit.MILLISECONDS.toNanos(interval));
                assertThat(then.startNanos() - after.startNanos()).as("the next one waits for the grid, not back to back (3 intervals were missed)")
                        .isGreaterThan(TimeUnit.MILLISECONDS.toNanos(interval / 10));
                assertThat(then.view().timeMillis() % interval).as("on the original grid").isLessThan(interval / 2);
            } finally {
                stop(stop, runner);
            }
        }
    }

    private static void stop(AtomicBoolean stop, Thread runner) throws InterruptedException {
        synchronized (stop) {
            stop.set(true);
            stop.notifyAll();
        }
        runner.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(runner.isAlive()).as("the loop stopped").isFalse();
    }

    /** The next decision, waiting at most 20 s (a loaded CI machine), failing the test otherwise. */
    private static Decision next(BlockingQueue<Decision> q) throws InterruptedException {
        Decision d = q.poll(20, TimeUnit.SECONDS);
        assertThat(d).as("a decision within 20 s").isNotNull();
        return d;
    }
}
