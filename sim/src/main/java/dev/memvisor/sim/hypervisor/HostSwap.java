package dev.memvisor.sim.hypervisor;

import dev.memvisor.sim.memory.VmPages;

import static dev.memvisor.sim.memory.PageState.*;

/**
 * The hypervisor's swap: it takes random pages of a VM without the guest's knowledge (as ESX
 * does), compressing them when the VM's compression cache takes them, writing them to the VM's
 * swap otherwise; in the hard and low states it swaps toward the policy's target at
 * {@code host.swapRate}; a fault on a swapped page reads it back. Per VM the pages swapped, for the
 * host the swap in use.
 */
public final class HostSwap {
    private static final long PAGE = 4096;
    private final MachineMemory machine;
    private final Compression compression;
    private final PageSharing sharing;
    private final long rateBytes;
    private final StepRate rate = new StepRate();
    private final int[] swapped;
    private final long[] swapIns, swapOuts;
    /** Per VM, the host reclaim's CLOCK hand over its pages (throttled VMs only). */
    private final int[] hostHand;

    /** Swap for {@code vms} VMs that swaps out up to {@code rateBytes} a second per VM toward a target. */
    public HostSwap(MachineMemory machine, Compression compression, PageSharing sharing, int vms, long rateBytes) {
        this.machine = machine;
        this.compression = compression;
        this.sharing = sharing;
        this.rateBytes = rateBytes;
        this.swapped = new int[vms];
        this.swapIns = new long[vms];
        this.swapOuts = new long[vms];
        this.hostHand = new int[vms];
    }

    /** Pages each VM may swap out toward its target in a step of {@code dtSeconds}. */
    public long pagesThisStep(double dtSeconds) { return rate.whole(rateBytes * dtSeconds / PAGE); }

    /**
     * Swaps or compresses out up to {@code n} pages of {@code vm} while its swapped and compressed
     * pages are below the policy's swap target, never taking the VM below its reservation.
     */
    public void swapTowardTarget(VmBacking vm, long n) {
        int v = vm.index();
        for (long i = 0; i < n && swapped[v] + compression.compressedPages(v) < vm.swapTargetPages() && vm.aboveReservation(); i++) {
            if (!swapOutOne(vm, vm.compressionAllowed())) return;
        }
    }

    /**
     * Reclaims up to {@code n} private pages of a throttled {@code vm} while it holds more than its target,
     * as the host kernel reclaims a cgroup above its memory.high: the first page its CLOCK finds not
     * referenced since it last passed ({@link VmPages#clearHostReferenced}, a second chance), so
     * cold pages go before the working set (Linux mm/vmscan.c reclaims from the inactive end of its LRU);
     * compressed where allowed. Never below the reservation.
     */
    public void reclaimTowardTarget(VmBacking vm, long n) {
        int v = vm.index();
        VmPages p = vm.pages();
        int pages = p.count();
        for (long i = 0; i < n && vm.grantedPages() > vm.targetPages() && vm.aboveReservation() && machine.privateFrames(v) > 0; i++) {
            int g = -1;
            for (long t = 0, max = 2L * pages; t < max; t++) {
                int c = hostHand[v];
                hostHand[v] = c + 1 == pages ? 0 : c + 1;
                if (p.hostState(c) != MAPPED || p.clearHostReferenced(c)) continue;
                g = c;
                break;
            }
            if (g < 0) return;
            machine.releasePrivate(v);
            if (!(vm.compressionAllowed() && compression.tryCompress(vm, g))) swapOut(vm, g);
        }
    }

    /**
     * Swaps out (or, with {@code compress}, compresses) one random private page of {@code vm}.
     * Returns false when the VM has no private page.
     */
    boolean swapOutOne(VmBacking vm, boolean compress) {
        int v = vm.index();
        if (machine.privateFrames(v) == 0) return false;
        VmPages p = vm.pages();
        int g = -1;
        for (int t = 0; t < 64; t++) {
            int c = vm.rng().nextInt(p.count());
            if (p.hostState(c) == MAPPED) { g = c; break; }
        }
        if (g < 0) {
            g = p.firstInHostState(vm.rng().nextInt(p.count()), MAPPED);
            if (g < 0) return false;
        }
        machine.releasePrivate(v);
        if (!(compress && compression.tryCompress(vm, g))) swapOut(vm, g);
        return true;
    }

    /**
     * Swaps out one random shared page of {@code vm} (its sharing ends; the shared frame is freed with
     * its last reference). Only for the host's last resort: a VM whose pages are all shared holds frames too.
     */
    void swapOutSharedOne(VmBacking vm) {
        int v = vm.index();
        if (sharing.sharedPages(v) == 0) throw new IllegalStateException("VM " + v + ": no shared page to swap");
        int g = vm.pages().firstInHostState(vm.rng().nextInt(vm.pages().count()), SHARED);
        if (g < 0) throw new IllegalStateException("VM " + v + ": shared count " + sharing.sharedPages(v) + " but no shared page");
        sharing.unshare(vm, g);
        swapOut(vm, g);
    }

    /**
     * Moves one random compressed page of {@code vm} to the swap (the compression cache writes back
     * to disk) and returns whether it freed a machine page; false when nothing is compressed.
     */
    boolean swapOutCompressedOne(VmBacking vm) {
        int v = vm.index();
        if (compression.compressedPages(v) == 0) return false;
        int g = vm.pages().firstInHostState(vm.rng().nextInt(vm.pages().count()), COMPRESSED);
        if (g < 0) throw new IllegalStateException("VM " + v + ": compressed count " + compression.compressedPages(v) + " but no compressed page");
        boolean freed = compression.drop(vm);
        swapOut(vm, g);
        return freed;
    }

    /** Marks page {@code g}, no longer in machine memory, as written to the swap. */
    private void swapOut(VmBacking vm, int g) {
        vm.pages().setHostState(g, SWAPPED);
        swapped[vm.index()]++;
        swapOuts[vm.index()]++;
        vm.costs().hostSwapOut(1);
    }

    /** A swapped page of {@code vm} is read back (a fault, or its readahead; the caller backs it and charges the read). */
    void readBack(VmBacking vm) {
        drop(vm);
        swapIns[vm.index()]++;
    }

    /** A swapped page of {@code vm} leaves the swap (read back, or given up by the balloon). */
    void drop(VmBacking vm) {
        swapped[vm.index()]--;
    }

    /** Pages of VM {@code vm} in the swap (esxtop SWCUR). */
    public int swappedPages(int vm) { return swapped[vm]; }

    /** Pages of VM {@code vm} read back from the swap so far. */
    public long swapIns(int vm) { return swapIns[vm]; }

    /** Pages of VM {@code vm} written to the swap so far. */
    public long swapOuts(int vm) { return swapOuts[vm]; }

    /** Pages in the swap, all VMs (summed: each VM's count is changed only by its own thread within a step). */
    public long usedPages() {
        long used = 0;
        for (int s : swapped) used += s;
        return used;
    }
}
