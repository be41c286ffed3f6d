package dev.memvisor.sim.hypervisor;

import dev.memvisor.sim.memory.MissCosts;

import static dev.memvisor.sim.memory.PageState.COMPRESSED;

/**
 * The per-VM compression cache (ESX memory compression): a page the hypervisor would swap is kept
 * compressed in memory instead when it shrinks to half a page or less and the cache is below its
 * largest size; a fault on it decompresses it. When the host has no other memory to give, the
 * cache writes pages back to swap ({@link HostSwap#swapOutCompressedOne}).
 */
public final class Compression {
    private final MachineMemory machine;
    private final boolean enabled;
    private final double compressibleFraction;
    private final double maxFraction;
    private final int[] compressed;
    private final long[] maxPages;
    private final long[] compressions, decompressions;

    /**
     * Compression caches for {@code vms} VMs; {@code compressibleFraction} of pages compress to half a
     * page or less, a cache holds at most {@code maxFraction} of its VM's pages; {@code enabled} false:
     * the host never compresses, whatever the policy allows.
     */
    public Compression(MachineMemory machine, int vms, boolean enabled, double compressibleFraction, double maxFraction) {
        this.machine = machine;
        this.enabled = enabled;
        this.compressibleFraction = compressibleFraction;
        this.maxFraction = maxFraction;
        this.compressed = new int[vms];
        this.maxPages = new long[vms];
        this.compressions = new long[vms];
        this.decompressions = new long[vms];
    }

    /** Sizes the cache of a VM of {@code pages} pages. */
    void attach(VmBacking vm) { maxPages[vm.index()] = (long) (maxFraction * vm.pages().count()); }

    /** Whether the host compresses at all (the scenario's {@code host.compression.enabled}). */
    public boolean enabled() { return enabled; }

    /** Machine frames a compression cache of {@code c} pages takes (pages shrink to half or less). */
    public static long framesFor(long c) { return (c + 1) / 2; }

    /** Pages of VM {@code vm} held compressed (esxtop ZIP). */
    public int compressedPages(int vm) { return compressed[vm]; }

    /** Machine frames VM {@code vm}'s cache takes. */
    public long frames(int vm) { return framesFor(compressed[vm]); }

    /** Machine frames VM {@code vm}'s cache can still grow by (0 when the host does not compress). */
    long headroomFrames(int vm) { return enabled ? Math.max(0, framesFor(maxPages[vm]) - frames(vm)) : 0; }

    /** Pages compressed so far. */
    public long compressions(int vm) { return compressions[vm]; }

    /** Pages decompressed on a fault so far. */
    public long decompressions(int vm) { return decompressions[vm]; }

    /**
     * Compresses page {@code g} of {@code vm}, whose private frame was just freed, if it is
     * compressible (a random draw) and the cache has room; returns false when it must be swapped instead.
     */
    boolean tryCompress(VmBacking vm, int g) {
        int v = vm.index();
        if (compressed[v] >= maxPages[v] || vm.rng().nextDouble() >= compressibleFraction) return false;
        long before = framesFor(compressed[v]);
        compressed[v]++;
        machine.take(framesFor(compressed[v]) - before);
        vm.pages().setHostState(g, COMPRESSED);
        compressions[v]++;
        return true;
    }

    /** A fault on a compressed page of {@code vm}: it leaves the cache, decompressed, and the VM waits for it. */
    void faultIn(VmBacking vm, MissCosts costs) {
        drop(vm);
        decompressions[vm.index()]++;
        costs.decompression();
    }

    /**
     * A compressed page of {@code vm} leaves the cache (decompressed, dropped by the balloon or written
     * to swap), freeing frames as the cache shrinks; returns whether that freed a frame.
     */
    boolean drop(VmBacking vm) {
        int v = vm.index();
        long before = framesFor(compressed[v]);
        compressed[v]--;
        machine.release(before - framesFor(compressed[v]));
        return before != framesFor(compressed[v]);
    }
}
