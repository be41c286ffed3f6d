package dev.memvisor.sim.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Threads that run the VMs' work of one step side by side: the calling thread and {@code threads - 1}
 * daemon workers (named {@code memvisor-sim-N}) take VMs in index order until none is left. What each
 * VM's work may touch is {@link Simulation}'s concern; this only runs it and hands back the first failure.
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
        Runnable take = () -> {
            for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) work.accept(i);
        };
        List<Future<?>> helpers = new ArrayList<>();
        for (int t = 1; t < Math.min(threads, n); t++) helpers.add(pool.submit(take));
        Throwable failure = null;
        try {
            take.run();
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        for (Future<?> f : helpers) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failure == null) failure = e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) failure = new IllegalStateException("interrupted while the VMs ran", e);
            }
        }
        // a worker's failure (an OutOfMemoryError too) surfaces as itself
        if (failure instanceof RuntimeException r) throw r;
        if (failure instanceof Error e) throw e;
        if (failure != null) throw new IllegalStateException(failure);
    }

    @Override
    public void close() {
        if (pool != null) pool.shutdownNow();
    }
}
