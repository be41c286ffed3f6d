package dev.memvisor.sim.engine;

import static dev.memvisor.sim.engine.PageState.*;

/**
 * Machine memory of the host: frame accounting, the shared-frame table and the hypervisor swap.
 * Content ids are dense (0 = zero page, 1..n image pages), so the "hash table" of shared and hint
 * frames is indexed by content id directly; unique content never matches and is never entered.
 * Page sharing as in Waldspurger, OSDI 2002, section 4.
 */
public final class HostMemory {
    final long totalFrames;
    long usedFrames;
    /** Reference count of the shared frame holding each content id (0: none). */
    final int[] sharedRef;
    /** Hint frame per content id: the VM index and page of a page seen once with that content, or -1. */
    final int[] hintVm;
    final int[] hintGpp;
    long sharedFrames;
    long sharedRefs;
    long swapUsedPages;
    private boolean skipFreePages;
    private long scanWorkPages, scanSkippedFreePages;
    VmMemory[] vms = new VmMemory[0];
    private final Rng rng;

    /** Machine memory of {@code totalFrames} pages for guests and {@code contentIds} distinct shareable contents. */
    public HostMemory(long totalFrames, int contentIds, Rng rng) {
        this.totalFrames = totalFrames;
        this.sharedRef = new int[contentIds];
        this.hintVm = new int[contentIds];
        this.hintGpp = new int[contentIds];
        java.util.Arrays.fill(hintVm, -1);
        this.rng = rng;
    }

    /** Free machine pages. */
    public long freeFrames() { return totalFrames - usedFrames; }

    /** Machine pages in use. */
    public long usedFrames() { return usedFrames; }

    /** Pages the machine holds for guests. */
    public long totalFrames() { return totalFrames; }

    /** Shared frames in use (esxtop PShare Common). */
    public long sharedFrames() { return sharedFrames; }

    /** Guest pages mapped to shared frames. */
    public long sharedRefs() { return sharedRefs; }

    /** Pages saved by sharing: references to shared frames less the frames. */
    public long sharedSavedPages() { return sharedRefs - sharedFrames; }

    /** Pages in the hypervisor swap. */
    public long swapUsedPages() { return swapUsedPages; }

    /**
     * Frees one machine page for {@code requester} when the host has none, never below a reservation
     * while anything else can give: first a random page of the VM furthest above its target (as ESX's
     * hard and low states do), else of the VM furthest above its reservation (private pages, then
     * shared ones until a shared frame loses its last reference), else compressed pages written to
     * swap, else one of the requester's own pages swapped for the new one (its granted memory stays
     * the same; for a copy-on-write break, {@code cowBreak}, one page lower: counted as a violation
     * when the page it asked for was within its reservation, as happens only on a host whose
     * reservations do not fit). Only when none of these can give does a VM at its reservation lose a
     * page, counted in {@link VmMemory#reservationViolationPages()}. Returns false when no VM has a
     * private page left. Reservations as floors: Waldspurger, OSDI 2002, section 3.2.
     */
    boolean reclaimOne(VmMemory requester, boolean cowBreak) {
        VmMemory victim = null;
        long worst = 0;
        for (VmMemory v : vms) {
            long over = v.grantedPages() - v.targetPages;
            if (v.mapped > 0 && v.aboveReservation() && over > worst) { worst = over; victim = v; }
        }
        if (victim != null && victim.swapOutOne(victim.compressionAllowed)) return true;
        victim = null;
        worst = 0;
        for (VmMemory v : vms) {
            long over = v.grantedPages() - v.reservationPages;
            if (v.mapped > 0 && over > worst) { worst = over; victim = v; }
        }
        if (victim != null && victim.swapOutOne(victim.compressionAllowed)) return true;
        // pages shared only among VMs above their reservation hold frames no private page frees: swap them
        while (true) {
            victim = null;
            worst = 0;
            for (VmMemory v : vms) {
                long over = v.grantedPages() - v.reservationPages;
                if (v.shared > 0 && over > worst) { worst = over; victim = v; }
            }
            if (victim == null) break;
            long before = freeFrames();
            victim.swapOutSharedOne();
            if (freeFrames() > before) return true;
        }
        // compressed pages hold machine memory outside anyone's granted memory: write them to swap
        for (VmMemory v : vms) {
            while (v.compressed > 0) if (v.evictCompressedOne()) return true;
        }
        // swapped, not compressed: exactly one frame for exactly one page, so the requester holds no less than before
        if (requester.mapped > 0 && requester.swapOutOne(false)) {
            // a violation when the page it asked for was within its reservation: it ends where it was (a copy-on-write
            // break, which turns a shared page into this private one, one page lower) instead of growing to it
            if (requester.grantedPages() + (cowBreak ? 0 : 1) < requester.reservationPages) requester.reservationViolations++;
            return true;
        }
        for (VmMemory v : vms) {
            if (v.mapped > 0 && v.swapOutOne(false)) {
                v.reservationViolations++;
                return true;
            }
        }
        return false;
    }

    /**
     * Scans {@code pages} guest pages round-robin over the VMs for identical content. With
     * {@link #skipFreePages(boolean)} on, guest-free pages are passed over without counting
     * against {@code pages} (at most one sweep of every VM per call).
     */
    public void scan(long pages) {
        int n = vms.length;
        if (n == 0) return;
        long skipBudget = skipFreePages ? totalGuestPages() : 0;
        for (long i = 0; i < pages; i++) {
            VmMemory vm = vms[(int) (i % n)];
            int g = vm.scanCursor;
            if (skipBudget > 0) {
                int passed = skipFree(vm, g, skipBudget);
                skipBudget -= passed;
                g = (int) ((g + (long) passed) % vm.pages);
            }
            vm.scanCursor = g + 1 == vm.pages ? 0 : g + 1;
            scanWorkPages++;
            if (vm.st[g << 1] != MAPPED) continue;
            int c = vm.content[g];
            if (c == UNIQUE) continue;
            vm.scannedPages++;
            if (sharedRef[c] > 0) {
                vm.shareInto(g, c);
                continue;
            }
            int hv = hintVm[c];
            if (hv >= 0) {
                VmMemory other = vms[hv];
                int hg = hintGpp[c];
                // full comparison on a hash match: the hint must still be private with the same content
                if (other.st[hg << 1] == MAPPED && other.content[hg] == c && !(other == vm && hg == g)) {
                    sharedFrames++;
                    usedFrames++;
                    other.shareInto(hg, c);
                    vm.shareInto(g, c);
                    hintVm[c] = -1;
                    continue;
                }
            }
            hintVm[c] = vm.index;
            hintGpp[c] = g;
        }
    }

    /** Number of VMs on the host (read-only view). */
    public int vmCount() { return vms.length; }

    /** The memory of VM {@code i}, in scenario order (read-only view for the migration model). */
    public VmMemory vmMemory(int i) { return vms[i]; }

    /** Whether the sharing scanner passes over guest-free pages (introspection, Chiang et al., VEE 2013). */
    public void skipFreePages(boolean on) { skipFreePages = on; }

    /** Pages the sharing scanner has examined so far (the work it was charged for). */
    public long scanWorkPages() { return scanWorkPages; }

    /** Guest-free pages the scanner passed over so far. */
    public long scanSkippedFreePages() { return scanSkippedFreePages; }

    /** Counts the guest-free pages from {@code g} on (wrapping, at most {@code budget} and one sweep) and charges them as skipped. */
    private int skipFree(VmMemory vm, int g, long budget) {
        int passed = 0;
        long max = Math.min(budget, vm.pages - 1L);
        while (passed < max && vm.guestUse(g) == FREE) {
            g = g + 1 == vm.pages ? 0 : g + 1;
            passed++;
        }
        scanSkippedFreePages += passed;
        return passed;
    }

    private long totalGuestPages() {
        long t = 0;
        for (VmMemory v : vms) t += v.pages;
        return t;
    }

    Rng rng() { return rng; }

    /** Checks frame accounting against the VMs' page states; throws IllegalStateException naming the first mismatch. */
    public void checkInvariants() {
        long used = sharedFrames;
        long refs = 0;
        long swap = 0;
        for (VmMemory v : vms) {
            v.checkInvariants();
            used += v.mapped + VmMemory.compressedFrames(v.compressed);
            refs += v.shared;
            swap += v.swapped;
        }
        if (used != usedFrames) throw new IllegalStateException("used frames " + usedFrames + " != counted " + used);
        if (refs != sharedRefs) throw new IllegalStateException("shared refs " + sharedRefs + " != counted " + refs);
        if (swap != swapUsedPages) throw new IllegalStateException("swap " + swapUsedPages + " != counted " + swap);
        long frames = 0, refSum = 0;
        for (int r : sharedRef) { if (r > 0) frames++; refSum += r; }
        if (frames != sharedFrames || refSum != sharedRefs) throw new IllegalStateException("shared table out of step");
        if (usedFrames > totalFrames) throw new IllegalStateException("used " + usedFrames + " > machine " + totalFrames);
    }
}
