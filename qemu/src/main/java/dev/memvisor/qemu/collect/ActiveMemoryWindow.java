package dev.memvisor.qemu.collect;

import java.util.HashMap;
import java.util.Map;

/**
 * Keeps each VM's active memory measured over whole control intervals. An {@link ActiveMemorySource}
 * reports what a VM touched since its previous call, so a decision between intervals (a host memory
 * state change 0.3 s after the last interval) would see a fraction of what the VM touches in an
 * interval, and the busy VM would pay more idle tax exactly when pressure starts. Here a VM is
 * sampled only once at least {@link #MIN_WINDOW_FRACTION} of an interval has passed since its
 * previous sample; a decision sooner gets the last interval's estimate. ESX likewise estimates active
 * memory per sampling period, not per decision (Waldspurger, OSDI 2002, section 5.2). Thread-safe:
 * the manager samples its VMs concurrently.
 */
public final class ActiveMemoryWindow implements AutoCloseable {
    /** The shortest window sampled, as a fraction of the interval: decisions on the interval grid jitter a little. */
    public static final double MIN_WINDOW_FRACTION = 0.9;

    private final ActiveMemorySource source;
    private final long minWindowMillis;
    private final Map<String, Sample> last = new HashMap<>();

    private record Sample(long atMillis, long bytes) {}

    /** Windows of about {@code intervalMillis} over {@code source}. */
    public ActiveMemoryWindow(ActiveMemorySource source, long intervalMillis) {
        this.source = source;
        this.minWindowMillis = (long) (intervalMillis * MIN_WINDOW_FRACTION);
    }

    /**
     * The VM's active memory over its last whole window: sampled now when the window is long enough
     * (or the VM was never sampled), else the last sample; -1 when it cannot be measured.
     */
    public long activeBytes(String vm, long pid, long guestRamBytes, long nowMillis) {
        Sample s;
        synchronized (this) {
            s = last.get(vm);
        }
        if (s != null && nowMillis - s.atMillis() < minWindowMillis) return s.bytes();
        long bytes;
        // one VM at a time: a source may keep per-VM state in shared structures (DAMON's slots)
        synchronized (source) {
            bytes = source.activeBytes(vm, pid, guestRamBytes);
        }
        synchronized (this) {
            last.put(vm, new Sample(nowMillis, bytes));
        }
        return bytes;
    }

    /** Forgets a VM's window (its QEMU restarted): its next decision samples again. */
    public synchronized void forget(String vm) {
        last.remove(vm);
    }

    /** Forgets a VM that is gone for good: its window, and what the source keeps for it (a DAMON slot). */
    public void release(String vm) {
        forget(vm);
        synchronized (source) {
            source.release(vm);
        }
    }

    /** What measures the windows, for the manager's log. */
    public String description() {
        return source.description();
    }

    /** Releases the source. */
    @Override
    public void close() {
        source.close();
    }
}
