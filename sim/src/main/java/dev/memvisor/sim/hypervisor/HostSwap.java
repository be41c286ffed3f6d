package dev.memvisor.sim.hypervisor;

import dev.memvisor.sim.memory.VmPages;

import static dev.memvisor.sim.memory.PageState.*;

/**
 * The hypervisor's swap: it takes pages of a VM without the guest's knowledge, picked as the host's
 * {@link HostReclaim} picks them (random pages as ESX does, or least recently used first as Linux KVM
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
    private final HostReclaim reclaim;
    private final StepRate rate = new StepRate();
    private final int[] swapped;
    private final long[] swapIns, swapOuts;
    /** Per VM, the host reclaim's CLOCK hand over its pages (LRU reclaim, and throttled VMs under either reclaim). */
    private final int[] hostHand;
    /** The VM the host-wide CLOCK hand is in ({@link #swapOutLeastRecent}). */
    private int clockVm;

    /**
     * Swap for {@code vms} VMs that swaps out up to {@code rateBytes} a second per VM toward a target and
     * picks its victims as {@code reclaim} does.
     */
    public HostSwap(MachineMemory machine, Compression compression, PageSharing sharing, int vms, long rateBytes, HostReclaim reclaim) {
        this.machine = machine;
        this.compression = compression;
        this.sharing = sharing;
        this.rateBytes = rateBytes;
        this.reclaim = reclaim;
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
        for (long i = 0; i < n && vm.grantedPages() > vm.targetPages() && vm.aboveReservation() && machine.privateFrames(v) > 0; i++) {
            int g = clockVictim(vm);
            if (g < 0) return;
            take(vm, g, vm.compressionAllowed());
        }
    }

    /**
     * The host reclaim's next victim of {@code vm}: the first private page its CLOCK hand finds not referenced
     * since the hand last passed ({@link VmPages#clearHostReferenced}, a second chance); -1 when it has none.
     */
    private int clockVictim(VmBacking vm) {
        int v = vm.index();
        VmPages p = vm.pages();
        int pages = p.count();
        // the hand passes only private pages, found through the VM's bit set of them (a VM with few pages backed
        // costs a few word operations, not a step per page)
        for (long t = 0, max = 2L * machine.privateFrames(v) + 1; t < max; t++) {
            int c = p.firstInHostState(hostHand[v], MAPPED);
            if (c < 0) return -1;
            hostHand[v] = c + 1 == pages ? 0 : c + 1;
            if (!p.clearHostReferenced(c)) return c;
        }
        return -1;
    }

    /**
     * Swaps out (or compresses, where the VM allows) the least recently used private page of all VMs above
     * their reservation, as Linux reclaims the one memory cgroup that holds every QEMU: one CLOCK hand goes
     * through each VM's pages in turn ({@link #clockVictim}'s second chance), passing VMs at their reservation.
     * Returns false when no such VM has a private page (nothing taken). {@link HostReclaim#LRU} only.
     */
    boolean swapOutLeastRecent(VmBacking[] vms, int count) {
        // two sweeps of every VM that can give find a page; nothing to sweep when none can (a host of VMs at their
        // reservations reaches here on every frame it needs, so that must cost a pass over the VMs, not their pages)
        long budget = 0;
        for (int i = 0; i < count; i++) if (machine.privateFrames(i) > 0 && vms[i].aboveReservation()) budget += 2L * machine.privateFrames(i);
        if (budget == 0) return false;
        budget += 3L * count;
        int v = clockVm < count ? clockVm : 0;
        for (long t = 0; t < budget; t++) {
            VmBacking vm = vms[v];
            if (machine.privateFrames(v) > 0 && vm.aboveReservation()) {
                VmPages p = vm.pages();
                int hand = hostHand[v];
                // the next private page before the VM's end (the bit set wraps: a smaller index means none is left)
                int c = p.firstInHostState(hand, MAPPED);
                if (c >= hand) {
                    int next = c + 1 == p.count() ? 0 : c + 1;
                    hostHand[v] = next;
                    if (!p.clearHostReferenced(c)) {
                        clockVm = next == 0 ? (v + 1) % count : v;
                        take(vm, c, vm.compressionAllowed());
                        return true;
                    }
                    if (next != 0) continue;
                } else {
                    hostHand[v] = 0;
                }
            }
            // past this VM's last page (or it cannot give): the hand goes on to the next VM
            v = (v + 1) % count;
        }
        clockVm = v;
        return false;
    }

    /**
     * Swaps out (or, with {@code compress}, compresses) one private page of {@code vm}, picked as the host's
     * reclaim picks (a random page, or its CLOCK's least recently used). Returns false when the VM has no private page.
     */
    boolean swapOutOne(VmBacking vm, boolean compress) {
        if (machine.privateFrames(vm.index()) == 0) return false;
        int g = reclaim == HostReclaim.LRU ? clockVictim(vm) : randomVictim(vm);
        if (g < 0) return false;
        take(vm, g, compress);
        return true;
    }

    /** A random private page of {@code vm} (ESX's swap daemon: Waldspurger, OSDI 2002, section 3.3); -1 when it has none. */
    private static int randomVictim(VmBacking vm) {
        VmPages p = vm.pages();
        for (int t = 0; t < 64; t++) {
            int c = vm.rng().nextInt(p.count());
            if (p.hostState(c) == MAPPED) return c;
        }
        return p.firstInHostState(vm.rng().nextInt(p.count()), MAPPED);
    }

    /** Frees private page {@code g} of {@code vm}'s frame: compressed when {@code compress} and its cache takes it, swapped otherwise. */
    private void take(VmBacking vm, int g, boolean compress) {
        machine.releasePrivate(vm.index());
        if (!(compress && compression.tryCompress(vm, g))) swapOut(vm, g);
    }

    /** How this host picks the pages it takes. */
    public HostReclaim reclaim() { return reclaim; }

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
