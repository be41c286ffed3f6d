package dev.memvisor.sim.memory;

import static dev.memvisor.sim.memory.PageState.*;

/**
 * One VM's memory as both the guest and the hypervisor see it, page by page in primitive arrays
 * (no object per page): per guest-physical page two state bytes side by side, the host's (what
 * backs it) at {@code 2g} and the guest's (what it is used for, plus the CLOCK and sampler bits) at
 * {@code 2g+1}, so a reference touches one cache line for both; its content id; and the reverse map
 * to the application's virtual page. Per application virtual page, the guest page table.
 * The guest OS writes the guest byte, the page table and content it writes; the hypervisor writes
 * the host byte and the content of pages it zero-fills or gives back.
 */
public final class VmPages {
    private final int pages;
    private final byte[] st;
    private final int[] content;
    private final int[] rmap;
    private final int[] vmap;

    /** {@code pages} guest-physical pages, all unbacked and free, zero content, for an application of {@code vpnSpace} virtual pages. */
    public VmPages(int pages, int vpnSpace) {
        this.pages = pages;
        this.st = new byte[2 * pages];
        this.content = new int[pages];
        this.rmap = new int[pages];
        this.vmap = new int[vpnSpace];
        java.util.Arrays.fill(rmap, -1);
        java.util.Arrays.fill(vmap, NOT_PRESENT);
    }

    /** Bytes of these arrays per guest page (two state bytes, content id, reverse map) and per virtual page (page table). */
    public static final long BYTES_PER_PAGE = 2 + 4 + 4, BYTES_PER_VIRTUAL_PAGE = 4;

    /** Guest-physical pages. */
    public int count() { return pages; }

    /** What backs page {@code g}: {@link PageState#UNBACKED}, MAPPED, SHARED, SWAPPED or COMPRESSED. */
    public byte hostState(int g) { return st[g << 1]; }

    /** Sets what backs page {@code g} (the hypervisor's side). */
    public void setHostState(int g, byte state) { st[g << 1] = state; }

    /** The guest's byte of page {@code g}: its use ({@link PageState#KIND} bits) and the REF and ACT bits. */
    public int guestByte(int g) { return st[g << 1 | 1]; }

    /** What the guest uses page {@code g} for: {@link PageState#FREE}, CACHE, ANON or BALLOON. */
    public int guestUse(int g) { return st[g << 1 | 1] & KIND; }

    /** Sets the guest's byte of page {@code g} (a new use clears the reference bits). */
    public void setGuestByte(int g, int value) { st[g << 1 | 1] = (byte) value; }

    /** Clears the sampler's touched bit of page {@code g}. */
    public void clearTouched(int g) { st[g << 1 | 1] = (byte) (st[g << 1 | 1] & ~ACT); }

    /** Whether page {@code g} was touched since its touched bit was cleared. */
    public boolean touched(int g) { return (st[g << 1 | 1] & ACT) != 0; }

    /** Content id of page {@code g} ({@link PageState#ZERO}, {@link PageState#UNIQUE} or an image page's id). */
    public int content(int g) { return content[g]; }

    /** Sets the content id of page {@code g}. */
    public void setContent(int g, int id) { content[g] = id; }

    /** Whether page {@code g} reads as zero: no machine page behind it, or the zero page's content. */
    public boolean readsAsZero(int g) { return st[g << 1] == UNBACKED || content[g] == ZERO; }

    /** Where virtual page {@code vpn} is: a guest page, {@link PageState#NOT_PRESENT} or {@link PageState#IN_GUEST_SWAP}. */
    public int pageOf(int vpn) { return vmap[vpn]; }

    /** Virtual pages the application can address. */
    public int virtualPages() { return vmap.length; }

    /** The virtual page mapped to guest page {@code g}, or -1. */
    public int virtualPageOf(int g) { return rmap[g]; }

    /** Maps virtual page {@code vpn} to guest page {@code g} both ways. */
    public void map(int vpn, int g) {
        vmap[vpn] = g;
        rmap[g] = vpn;
    }

    /** Sets where virtual page {@code vpn} is without a guest page ({@link PageState#NOT_PRESENT} or IN_GUEST_SWAP). */
    public void setAbsent(int vpn, int where) { vmap[vpn] = where; }

    /** Drops guest page {@code g}'s reverse mapping. */
    public void clearReverse(int g) { rmap[g] = -1; }

    /** The first page in host state {@code state} from {@code start} on, wrapping; -1 when there is none. */
    public int firstInHostState(int start, byte state) {
        for (int i = 0; i < pages; i++) {
            int g = start + i < pages ? start + i : start + i - pages;
            if (st[g << 1] == state) return g;
        }
        return -1;
    }

    /** The state bytes themselves, for the reference loop's fast path only (one array load per reference, no call). */
    public byte[] stateArray() { return st; }

    /** The content ids themselves, for the reference loop's fast path only. */
    public int[] contentArray() { return content; }

    /** The guest page table itself, for the reference loop's fast path only. */
    public int[] pageTableArray() { return vmap; }
}
