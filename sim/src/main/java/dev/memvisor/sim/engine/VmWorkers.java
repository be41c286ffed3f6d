package dev.memvisor.sim.engine;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Threads that run the VMs' work of one step side by side: the calling thread and {@code threads - 1}
 * daemon workers (named {@code memvisor-sim-N}) take VMs in index order until none is left. The caller
 * waits only for VMs a worker has taken, never for a worker to start: on a machine whose other cores
 * are busy it does all the work itself rather than wait for one to be scheduled. What each VM's work
 * may touch is {@link Simulation}'s concern; this runs it and hands back the first failure.
 */
final class VmWorkers implements AutoCloseable {
    private static final AtomicInteger THREADS = new AtomicInteger();
    private final int threads;
    private final ExecutorService pool;

    /** Workers for {@code threads} threads in all (1: the caller alone, no pool). */
    VmWorkers(int threads) {
        this.threads = Math.max(1, threads);
        this.pool = this.threads == 1 ? null : Executors.newFixedThreadPool(this.threads - 1, r -> {
            Thread t = new Thread(r, "memvisor-sim-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Threads in all, the caller's included. */
    int threads() { return threads; }

    /** Runs {@code work} for every index in {@code [0, n)} on all the threads; returns when every one is done. */
    void forEach(int n, IntConsumer work) {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread caller = Thread.currentThread();
        Runnable take = () -> {
            for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                try {
                    if (failure.get() == null) work.accept(i);
                } catch (RuntimeException | Error e) {
                    failure.compareAndSet(null, e);
                } finally {
                    // the last VM done wakes the caller (an unpark before its park makes the park return at once)
                    if (finished.incrementAndGet() == n) LockSupport.unpark(caller);
                }
            }
        };
        for (int t = 1; t < Math.min(threads, n); t++) pool.execute(take);
        take.run();
        while (finished.get() < n) LockSupport.park(this);
        // a worker's failure (an OutOfMemoryError too) surfaces as itself
        Throwable f = failure.get();
        if (f instanceof RuntimeException r) throw r;
        if (f instanceof Error e) throw e;
    }

    @Override
    public void close() {
        if (pool != null) pool.shutdownNow();
    }
}
