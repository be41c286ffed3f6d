package dev.memvisor.sim.migration;

import dev.memvisor.sim.guest.GuestOs;
import dev.memvisor.sim.memory.PageState;

/**
 * A guest's memory as the migration model sees it, one entry per 4 KiB page in primitive arrays:
 * what the guest uses the page for, whether it reads as zero, the order in which the guest would
 * hand out its free pages, and the working-set pages its writes go to.
 */
public final class GuestPages {
    /** Use: free in the guest. */
    public static final byte FREE = 0;
    /** Use: in use, not written during the migration. */
    public static final byte USED = 1;
    /** Use: in the working set the guest writes. */
    public static final byte WORKING = 2;
    /** Use: held by the balloon (the host gave the memory back, so it reads as zero). */
    public static final byte BALLOONED = 3;

    final byte[] use;
    /** 1 when the page reads as zero. */
    final byte[] zero;
    /** Free pages, the one the guest would hand out next first. */
    final int[] freeOrder;
    /** Working-set pages in address order. */
    final int[] workingSet;

    private GuestPages(byte[] use, byte[] zero, int[] freeOrder, int[] workingSet) {
        this.use = use;
        this.zero = zero;
        this.freeOrder = freeOrder;
        this.workingSet = workingSet;
    }

    /**
     * A guest laid out as {@code profile} says, in address order: used pages, the working set, the
     * freed pages, then never-written zero pages. Its free list hands out the freed pages first
     * (most recently freed: the buddy allocator reuses hot pages first), then the zero ones.
     */
    public static GuestPages of(GuestProfile profile) {
        int pages = toPages(profile.ramBytes());
        // sizes round up to whole pages; a profile that fits in bytes may not in pages, so the later kinds give way
        int used = Math.min(toPages(profile.usedBytes()), pages);
        int ws = Math.min(toPages(profile.workingSetBytes()), pages - used);
        int freed = Math.min(toPages(profile.freedBytes()), pages - used - ws);
        byte[] use = new byte[pages];
        byte[] zero = new byte[pages];
        int[] wsPages = new int[ws];
        int[] free = new int[pages - used - ws];
        int g = 0;
        for (int i = 0; i < used; i++) use[g++] = USED;
        for (int i = 0; i < ws; i++) {
            wsPages[i] = g;
            use[g++] = WORKING;
        }
        int f = 0;
        for (int i = 0; i < freed; i++) free[f++] = g++;
        for (; g < pages; g++) {
            zero[g] = 1;
            free[f++] = g;
        }
        return new GuestPages(use, zero, free, wsPages);
    }

    /**
     * A VM of the page-level simulator as it is now: its free pages (in the order its free list
     * hands them out), balloon, page cache (used) and application pages (the working set).
     */
    public static GuestPages fromVm(GuestOs vm) {
        int pages = vm.guestPageCount();
        byte[] use = new byte[pages];
        byte[] zero = new byte[pages];
        int ws = 0;
        for (int g = 0; g < pages; g++) {
            int kind = vm.guestUse(g);
            use[g] = switch (kind) {
                case PageState.FREE -> FREE;
                case PageState.ANON -> WORKING;
                case PageState.BALLOON -> BALLOONED;
                default -> USED;
            };
            if (use[g] == WORKING) ws++;
            zero[g] = (byte) (use[g] == BALLOONED || vm.readsAsZero(g) ? 1 : 0);
        }
        int[] wsPages = new int[ws];
        for (int g = 0, i = 0; g < pages; g++) if (use[g] == WORKING) wsPages[i++] = g;
        int[] free = new int[vm.guestFreePages()];
        for (int i = 0; i < free.length; i++) free[i] = vm.freeListPage(i);
        return new GuestPages(use, zero, free, wsPages);
    }

    /** Guest pages. */
    public int pages() { return use.length; }

    /** Pages in use (used or working set): what balloon-first keeps. */
    public int inUsePages() {
        int n = 0;
        for (byte u : use) if (u == USED || u == WORKING) n++;
        return n;
    }

    /** Pages free in the guest (not counting the balloon). */
    public int freePages() { return freeOrder.length; }

    /** Pages that read as zero. */
    public int zeroPages() {
        int n = 0;
        for (byte z : zero) n += z;
        return n;
    }

    /** Working-set pages. */
    public int workingSetPages() { return workingSet.length; }

    /** An independent copy (the model writes to its pages). */
    GuestPages copy() {
        return new GuestPages(use.clone(), zero.clone(), freeOrder.clone(), workingSet.clone());
    }

    private static int toPages(long bytes) {
        long p = (bytes + PreCopyModel.PAGE - 1) / PreCopyModel.PAGE;
        if (p > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("guest too large for the model: " + bytes + " bytes");
        return (int) p;
    }
}
