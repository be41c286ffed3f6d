package dev.memvisor.qemu.manager;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

/** Real tests' way to drive a manager: a decision each second until one without errors satisfies a condition. */
public final class LoopSteps {
    private LoopSteps() {}

    /**
     * Steps {@code loop} once a second until a decision has no errors and satisfies {@code done}; fails after
     * {@code timeout} with the last decision's log line (as {@code policy} writes it) and the events seen.
     */
    public static Decision until(ManagerLoop loop, Predicate<Decision> done, Duration timeout, List<String> events, String policy)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Decision d = loop.step();
        while (!(d.errors().isEmpty() && done.test(d))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within " + timeout.toSeconds() + " s: last decision " + DecisionJson.line(d, policy, Instant.EPOCH)
                        + "\nevents " + events);
            }
            Thread.sleep(1000);
            d = loop.step();
        }
        return d;
    }
}
