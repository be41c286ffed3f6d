package dev.memvisor.sim.hypervisor;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The host's machine memory for guests, in frames (4 KiB): how many are in use, and per VM how
 * many back its private pages. Shared frames ({@link PageSharing}) and compression caches
 * ({@link Compression}) take frames here too; every change of a frame count goes through this class.
 * The count in use is atomic: within a step the VMs' references may run on several threads (each VM
 * changes only its own private count).
 */
public final class MachineMemory {
    private final long totalFrames;
    private final AtomicLong usedFrames = new AtomicLong();
    private final int[] privateFrames;

    /** {@code totalFrames} frames for the guests of a host of {@code vms} VMs. */
    public MachineMemory(long totalFrames, int vms) {
        this.totalFrames = totalFrames;
        this.privateFrames = new int[vms];
    }

    /** Frames for guests. */
    public long totalFrames() { return totalFrames; }

    /** Frames in use. */
    public long usedFrames() { return usedFrames.get(); }

    /** Free frames (negative never: allocation reclaims first). */
    public long freeFrames() { return totalFrames - usedFrames.get(); }

    /** Frames backing private pages of VM {@code vm}. */
    public int privateFrames(int vm) { return privateFrames[vm]; }

    /** A frame now backs a private page of VM {@code vm}. */
    void takePrivate(int vm) {
        privateFrames[vm]++;
        usedFrames.incrementAndGet();
    }

    /** {@code n} frames now back private pages of VM {@code vm} (the guest zeroing its memory at boot). */
    void takePrivate(int vm, int n) {
        privateFrames[vm] += n;
        usedFrames.addAndGet(n);
    }

    /** A private frame of VM {@code vm} is free again. */
    void releasePrivate(int vm) {
        privateFrames[vm]--;
        usedFrames.decrementAndGet();
    }

    /** {@code n} frames are taken outside any VM's private pages (a shared frame, a compression cache growing). */
    void take(long n) { usedFrames.addAndGet(n); }

    /** {@code n} frames taken with {@link #take} are free again. */
    void release(long n) { usedFrames.addAndGet(-n); }
}
