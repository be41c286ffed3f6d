package dev.memvisor.qemu.launch;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Waits in tests for a condition on real guests and the host, with a deadline instead of a fixed sleep. */
public final class Await {
    private static final long POLL_MILLIS = 250;

    private Await() {}

    /**
     * Probes every 250 ms until {@code done} holds for the probed value, and returns that value;
     * the last value seen is returned when the deadline passes, for the caller's assertion to name.
     */
    public static <T> T until(Duration timeout, Supplier<T> probe, Predicate<T> done) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        T v = probe.get();
        while (!done.test(v) && System.nanoTime() < deadline) {
            Thread.sleep(POLL_MILLIS);
            v = probe.get();
        }
        return v;
    }
}
