package dev.memvisor.sim.hypervisor;

import dev.memvisor.sim.memory.VmPages;

import static dev.memvisor.sim.memory.PageState.*;

/**
 * Transparent page sharing (Waldspurger, OSDI 2002, section 4): a scanner visits guest pages
 * round-robin over the VMs at a rate the policy sets, looks each page's content up in a table of
 * shared and hint frames, verifies the match and maps both pages to one copy-on-write frame; a
 * write breaks the sharing ({@link VmBacking#makePrivate}). Content ids are dense (0 = zero page,
 * 1..n image pages), so the "hash table" is indexed by content id directly; unique content never
 * matches and is never entered.
 */
public final class PageSharing {
    private final MachineMemory machine;
    /** Reference count of the shared frame holding each content id (0: none). */
    private final int[] sharedRef;
    /** Hint frame per content id: the VM index and page of a page seen once with that content, or -1. */
    private final int[] hintVm;
    private final int[] hintGpp;
    private long sharedFrames;
    private long sharedRefs;
    // per VM
    private final VmBacking[] vms;
    private int attached;
    private final int[] shared, sharedZero, cursor;
    private final long[] scanned;
    // the scanner
    private final boolean skipFreePages;
    private long pagesPerSecond;
    private final StepRate rate = new StepRate();
    private long scanWorkPages, scanSkippedFreePages;
    /** Under {@link SharingMerge#KSM}, per VM and page the content its previous visit saw (KSM's checksum), else null. */
    private int[][] lastSeen;

    /**
     * Sharing for {@code vms} VMs over {@code contentIds} shareable contents, scanning
     * {@code pagesPerSecond}; with {@code skipFreePages} the scanner passes over guest-free pages
     * without charging them to its rate (introspection, Chiang et al., VEE 2013).
     */
    public PageSharing(MachineMemory machine, int contentIds, int vms, long pagesPerSecond, boolean skipFreePages) {
        this.machine = machine;
        this.sharedRef = new int[contentIds];
        this.hintVm = new int[contentIds];
        this.hintGpp = new int[contentIds];
        java.util.Arrays.fill(hintVm, -1);
        this.vms = new VmBacking[vms];
        this.shared = new int[vms];
        this.sharedZero = new int[vms];
        this.cursor = new int[vms];
        this.scanned = new long[vms];
        this.pagesPerSecond = pagesPerSecond;
        this.skipFreePages = skipFreePages;
    }

    /** Adds a VM to the scan, in index order. */
    void attach(VmBacking vm) {
        if (lastSeen != null) lastSeen[attached] = newLastSeen(vm.pages().count());
        vms[attached++] = vm;
    }

    /** The merge rule from now on (before any VM is attached: the KSM rule keeps a content per page). */
    public void setMerge(SharingMerge merge) {
        if (attached > 0) throw new IllegalStateException("the merge rule is set before VMs are attached");
        lastSeen = merge == SharingMerge.KSM ? new int[vms.length][] : null;
    }

    /** The merge rule. */
    public SharingMerge merge() { return lastSeen != null ? SharingMerge.KSM : SharingMerge.HINT; }

    private static int[] newLastSeen(int pages) {
        int[] a = new int[pages];
        java.util.Arrays.fill(a, NOT_SEEN);
        return a;
    }

    /** A content id no page has: the page was not visited yet. */
    private static final int NOT_SEEN = -1;

    /** The policy's scan rate from now on. */
    public void setRate(long pagesPerSecond) { this.pagesPerSecond = pagesPerSecond; }

    /** Scans what the rate allows in a step of {@code dtSeconds}. */
    public void step(double dtSeconds) { scan(rate.whole(pagesPerSecond * dtSeconds)); }

    /**
     * Scans {@code pages} guest pages round-robin over the VMs for identical content. With
     * skipFreePages on, guest-free pages are passed over without counting against {@code pages}
     * (at most one sweep of every VM per call).
     */
    public void scan(long pages) {
        int n = attached;
        if (n == 0) return;
        long skipBudget = skipFreePages ? totalGuestPages() : 0;
        for (long i = 0; i < pages; i++) {
            VmBacking vm = vms[(int) (i % n)];
            VmPages p = vm.pages();
            int v = vm.index();
            int g = cursor[v];
            if (skipBudget > 0) {
                int passed = skipFree(p, g, skipBudget);
                skipBudget -= passed;
                g = (int) ((g + (long) passed) % p.count());
            }
            cursor[v] = g + 1 == p.count() ? 0 : g + 1;
            scanWorkPages++;
            if (p.hostState(g) != MAPPED) continue;
            int c = p.content(g);
            if (c == UNIQUE) continue;
            scanned[v]++;
            if (sharedRef[c] > 0) {
                share(vm, g, c);
                continue;
            }
            if (lastSeen != null) {
                // KSM: a page changed since the previous visit (or never visited) is only checksummed this time
                int[] seen = lastSeen[v];
                if (seen[g] != c) {
                    seen[g] = c;
                    continue;
                }
            }
            int hv = hintVm[c];
            if (hv >= 0) {
                VmBacking other = vms[hv];
                int hg = hintGpp[c];
                // full comparison on a hash match: the hint must still be private with the same content
                if (other.pages().hostState(hg) == MAPPED && other.pages().content(hg) == c && !(other == vm && hg == g)) {
                    sharedFrames++;
                    machine.take(1);
                    share(other, hg, c);
                    share(vm, g, c);
                    hintVm[c] = -1;
                    continue;
                }
            }
            hintVm[c] = v;
            hintGpp[c] = g;
        }
    }

    /** Maps page {@code g} of {@code vm} (private, content {@code c}) onto the shared frame of {@code c}, freeing its private frame. */
    private void share(VmBacking vm, int g, int c) {
        vm.pages().setHostState(g, SHARED);
        machine.releasePrivate(vm.index());
        shared[vm.index()]++;
        if (c == ZERO) sharedZero[vm.index()]++;
        sharedRef[c]++;
        sharedRefs++;
    }

    /**
     * Drops page {@code g}'s reference to its shared frame, freeing the frame with the last one (the caller
     * sets the page's new state). Locked: VMs' copy-on-write breaks may run on several threads, and the
     * frame counts they leave do not depend on their order (a break that finds other references takes a
     * new frame, the one that finds none keeps the shared frame; if two find each other both take one
     * and the second to drop its reference frees the shared frame: the same count).
     */
    synchronized void unshare(VmBacking vm, int g) {
        int c = vm.pages().content(g);
        shared[vm.index()]--;
        if (c == ZERO) sharedZero[vm.index()]--;
        sharedRefs--;
        if (--sharedRef[c] == 0) {
            sharedFrames--;
            machine.release(1);
        }
    }

    /** Whether the shared frame of content {@code c} has one reference left (a write then keeps the frame, no copy). */
    boolean isLastReference(int c) { return sharedRef[c] == 1; }

    /** Counts the guest-free pages from {@code g} on (wrapping, at most {@code budget} and one sweep) and charges them as skipped. */
    private int skipFree(VmPages p, int g, long budget) {
        int passed = 0;
        long max = Math.min(budget, p.count() - 1L);
        while (passed < max && p.guestUse(g) == FREE) {
            g = g + 1 == p.count() ? 0 : g + 1;
            passed++;
        }
        scanSkippedFreePages += passed;
        return passed;
    }

    private long totalGuestPages() {
        long t = 0;
        for (int i = 0; i < attached; i++) t += vms[i].pages().count();
        return t;
    }

    /** Guest pages of VM {@code vm} mapped to shared frames (esxtop SHRD). */
    public int sharedPages(int vm) { return shared[vm]; }

    /** Of those, pages of zeros (esxtop ZERO). */
    public int sharedZeroPages(int vm) { return sharedZero[vm]; }

    /** Pages of VM {@code vm} the scanner found shareable (content not unique). */
    public long scannedPages(int vm) { return scanned[vm]; }

    /** Shared frames in use (esxtop PShare Common). */
    public long sharedFrames() { return sharedFrames; }

    /** Guest pages mapped to shared frames. */
    public long sharedRefs() { return sharedRefs; }

    /** Pages saved by sharing: references to shared frames less the frames. */
    public long savedPages() { return sharedRefs - sharedFrames; }

    /** Shared frames per reference: the part of a shared frame each page mapping it is charged (0 when nothing is shared). */
    public double framesPerReference() { return sharedRefs == 0 ? 0 : (double) sharedFrames / sharedRefs; }

    /** Pages the scanner has examined so far (the work it was charged for). */
    public long scanWorkPages() { return scanWorkPages; }

    /** Guest-free pages the scanner passed over so far. */
    public long scanSkippedFreePages() { return scanSkippedFreePages; }

    /** Checks the shared-frame table against its counters; throws IllegalStateException. */
    void checkInvariants() {
        long refs = 0;
        for (int i = 0; i < attached; i++) refs += shared[i];
        if (refs != sharedRefs) throw new IllegalStateException("shared refs " + sharedRefs + " != counted " + refs);
        long frames = 0, refSum = 0;
        for (int r : sharedRef) { if (r > 0) frames++; refSum += r; }
        if (frames != sharedFrames || refSum != sharedRefs) throw new IllegalStateException("shared table out of step");
    }
}
