package dev.memvisor.sim.memory;

import java.util.HashMap;
import java.util.Map;

import static dev.memvisor.sim.memory.PageState.*;

/**
 * One VM's memory as both the guest and the hypervisor see it, page by page in primitive arrays (no
 * object per page), 6 bytes per guest-physical page and 4 per application virtual page:
 * <ul>
 * <li>per guest page a state word: the guest's byte (its use and the REF and ACT bits, {@link PageState}),
 *     the host's state (what backs it) and whether an application virtual page maps it;</li>
 * <li>per guest page a link: the virtual page mapping it when one does, its content id otherwise. A mapped
 *     page's content is one of four classes kept in the state word: zero, unique, the image's page of that
 *     virtual page ({@code imageBase + vpn}, an application reading its files), or any other id, kept in a
 *     small map (a page is mapped before the guest overwrites what it held, so such ids do not last);</li>
 * <li>per virtual page its page-table entry: the guest page in the upper 30 bits and in the lower two
 *     whether a reference may take the fast path, as a TLB entry would: {@link #PTE_READ} when the page
 *     is backed (private or shared), its REF and ACT bits and the host's referenced bit are set; {@link #PTE_WRITE} as well when it is
 *     private with unique content. So a reference that needs nothing reads one entry and changes nothing.
 *     Clearing REF or ACT clears the entry's bits, so the next reference takes the slow path and sets them
 *     again, as ESX's sampler invalidates a sampled page's mapping to see it touched (Waldspurger, OSDI
 *     2002, section 5.3). An absent page has {@code 10} in the lower bits and its kind above.</li>
 * </ul>
 * The host reclaim's referenced bit ({@link #clearHostReferenced}) works the same way: clearing it makes
 * the next reference trap and set it again.
 * Per host state but "unbacked" a {@link PageBitSet} of its pages, so the hypervisor finds a page in a
 * state from a random start in a few word operations, however few such pages there are.
 * The guest OS writes the guest byte, the page table and content it writes; the hypervisor writes the
 * host state and the content of pages it zero-fills or gives back. Every write keeps the page's entry
 * in step.
 */
public final class VmPages {
    /** A page-table entry's bit: a read may take the fast path. */
    public static final int PTE_READ = 1;
    /** A page-table entry's bit: a write may take the fast path (set only with {@link #PTE_READ}). */
    public static final int PTE_WRITE = 2;
    private static final int PTE_FLAGS = 3;
    private static final int PTE_NOT_PRESENT = 2, PTE_IN_GUEST_SWAP = 1 << 2 | 2;

    // the state word: guest byte in bits 0-3, host state in 4-6, LINKED, content class of a linked page in 8-9
    private static final int GUEST = 0xF;
    private static final int HOST_SHIFT = 4, HOST = 7 << HOST_SHIFT;
    private static final int LINKED = 1 << 7;
    private static final int CLASS = 3 << 8, C_ZERO = 0, C_UNIQUE = 1 << 8, C_IMAGE = 2 << 8, C_OTHER = 3 << 8;
    /**
     * The host reclaim's referenced bit (the host kernel's LRU, from the accessed bits of the guest's memory
     * mapping), cleared by the reclaim of a throttled VM as it passes; a fast-path bit like REF and ACT.
     */
    private static final int HOST_REF = 1 << 10;
    /**
     * A clean file page (written back, or read from disk): a write must trap to mark it dirty, as Linux write-protects
     * a page it cleans (mm/page-writeback.c, folio_mkclean) so the next write faults and dirties it again. Mapping a
     * page clears it; only a file-backed workload's guest sets it, so nothing else ever loses the write fast path.
     */
    private static final int CLEAN = 1 << 11;

    /** Bytes of these arrays per guest page (state word, link, four bit sets; rounded up) and per virtual page (page-table entry). */
    public static final long BYTES_PER_PAGE = 2 + 4 + 1, BYTES_PER_VIRTUAL_PAGE = 4;

    private final int pages;
    private final short[] st;
    private final int[] link;
    private final int[] pte;
    private final int imageBase;
    /** The pages in each host state but UNBACKED (index: the state). */
    private final PageBitSet[] inHostState = new PageBitSet[COMPRESSED + 1];
    /** Content ids of mapped pages that are none of the classes (momentary: the guest overwrites them). */
    private final Map<Integer, Integer> otherContent = new HashMap<>();

    /**
     * {@code pages} guest-physical pages, all unbacked and free, zero content, for an application of
     * {@code vpnSpace} virtual pages whose virtual page {@code vpn} read from the image has content
     * {@code imageBase + vpn} ({@code imageBase} 0: it reads none).
     */
    public VmPages(int pages, int vpnSpace, int imageBase) {
        if (pages >= 1 << 30) throw new IllegalArgumentException("a VM of " + pages + " pages; at most 2^30 - 1 (4 TiB) fit a page-table entry");
        this.pages = pages;
        this.st = new short[pages];
        this.link = new int[pages];
        this.pte = new int[vpnSpace];
        this.imageBase = imageBase;
        java.util.Arrays.fill(pte, PTE_NOT_PRESENT);
        for (int h = MAPPED; h <= COMPRESSED; h++) inHostState[h] = new PageBitSet(pages);
    }

    /** {@code pages} guest-physical pages for an application of {@code vpnSpace} virtual pages that reads nothing from an image. */
    public VmPages(int pages, int vpnSpace) { this(pages, vpnSpace, 0); }

    /** Guest-physical pages. */
    public int count() { return pages; }

    /** What backs page {@code g}: {@link PageState#UNBACKED}, MAPPED, SHARED, SWAPPED or COMPRESSED. */
    public byte hostState(int g) { return (byte) ((st[g] & HOST) >>> HOST_SHIFT); }

    /** Sets what backs page {@code g} (the hypervisor's side). */
    public void setHostState(int g, byte state) {
        int old = (st[g] & HOST) >>> HOST_SHIFT;
        if (old == state) return;
        if (old != UNBACKED) inHostState[old].remove(g);
        if (state != UNBACKED) inHostState[state].add(g);
        write(g, st[g] & ~HOST | state << HOST_SHIFT);
    }

    /** The guest's byte of page {@code g}: its use ({@link PageState#KIND} bits) and the REF and ACT bits. */
    public int guestByte(int g) { return st[g] & GUEST; }

    /** What the guest uses page {@code g} for: {@link PageState#FREE}, CACHE, ANON or BALLOON. */
    public int guestUse(int g) { return st[g] & KIND; }

    /** Sets the guest's byte of page {@code g}; a new use clears the host's referenced bit too. */
    public void setGuestByte(int g, int value) {
        int s = st[g];
        int keep = (s & KIND) == (value & KIND) ? ~GUEST : ~(GUEST | HOST_REF);
        write(g, s & keep | value & GUEST);
    }

    /** Clears the sampler's touched bit of page {@code g}. */
    public void clearTouched(int g) { write(g, st[g] & ~ACT); }

    /**
     * Clears the host reclaim's referenced bit of page {@code g} and returns whether it was set (a second
     * chance); the page's next reference then takes the slow path, which sets it again.
     */
    public boolean clearHostReferenced(int g) {
        int s = st[g];
        if ((s & HOST_REF) == 0) return false;
        write(g, s & ~HOST_REF);
        return true;
    }

    /** Marks page {@code g} a clean file page: its next write takes the slow path ({@link #cleanFilePage}). */
    public void setClean(int g) { write(g, st[g] | CLEAN); }

    /** Marks page {@code g} dirty again (written since its writeback): writes take the fast path. */
    public void setDirty(int g) { write(g, st[g] & ~CLEAN); }

    /** Whether page {@code g} is a clean file page (set by {@link #setClean}, cleared by a write or a new mapping). */
    public boolean cleanFilePage(int g) { return (st[g] & CLEAN) != 0; }

    /** Whether page {@code g} was touched since its touched bit was cleared. */
    public boolean touched(int g) { return (st[g] & ACT) != 0; }

    /** The application referenced page {@code g}: sets its REF and ACT bits and the host's referenced bit. */
    public void reference(int g) { write(g, st[g] | REF | ACT | HOST_REF); }

    /** Content id of page {@code g} ({@link PageState#ZERO}, {@link PageState#UNIQUE} or an image page's id). */
    public int content(int g) {
        int s = st[g];
        if ((s & LINKED) == 0) return link[g];
        switch (s & CLASS) {
            case C_ZERO: return ZERO;
            case C_UNIQUE: return UNIQUE;
            case C_IMAGE: return imageBase + link[g];
            default: return otherContent.get(g);
        }
    }

    /** Sets the content id of page {@code g}. */
    public void setContent(int g, int id) {
        int s = st[g];
        if ((s & LINKED) == 0) {
            link[g] = id;
            return;
        }
        if ((s & CLASS) == C_OTHER) otherContent.remove(g);
        write(g, s & ~CLASS | classOf(g, id, link[g]));
    }

    /** The content class of {@code id} on page {@code g} mapped by {@code vpn}; an id of no class goes to the map. */
    private int classOf(int g, int id, int vpn) {
        if (id == ZERO) return C_ZERO;
        if (id == UNIQUE) return C_UNIQUE;
        if (imageBase > 0 && id == imageBase + vpn) return C_IMAGE;
        otherContent.put(g, id);
        return C_OTHER;
    }

    /** Whether page {@code g} reads as zero: no machine page behind it, or the zero page's content. */
    public boolean readsAsZero(int g) { return hostState(g) == UNBACKED || content(g) == ZERO; }

    /** Where virtual page {@code vpn} is: a guest page, {@link PageState#NOT_PRESENT} or {@link PageState#IN_GUEST_SWAP}. */
    public int pageOf(int vpn) {
        int e = pte[vpn];
        if ((e & PTE_FLAGS) == PTE_NOT_PRESENT) return e == PTE_NOT_PRESENT ? NOT_PRESENT : IN_GUEST_SWAP;
        return e >>> 2;
    }

    /** Virtual pages the application can address. */
    public int virtualPages() { return pte.length; }

    /** The virtual page mapped to guest page {@code g}, or -1. */
    public int virtualPageOf(int g) { return (st[g] & LINKED) != 0 ? link[g] : -1; }

    /** Maps virtual page {@code vpn} to guest page {@code g} both ways. */
    public void map(int vpn, int g) {
        int c = content(g);
        int s = st[g];
        if ((s & CLASS) == C_OTHER) otherContent.remove(g);
        link[g] = vpn;
        st[g] = (short) (s & ~(CLASS | CLEAN) | LINKED | classOf(g, c, vpn));
        pte[vpn] = g << 2 | flags(st[g]);
    }

    /** Sets where virtual page {@code vpn} is without a guest page ({@link PageState#NOT_PRESENT} or IN_GUEST_SWAP). */
    public void setAbsent(int vpn, int where) { pte[vpn] = where == NOT_PRESENT ? PTE_NOT_PRESENT : PTE_IN_GUEST_SWAP; }

    /** Drops guest page {@code g}'s reverse mapping (a virtual page still pointing at it loses its fast path). */
    public void clearReverse(int g) {
        int s = st[g];
        if ((s & LINKED) == 0) return;
        int vpn = link[g];
        int c = content(g);
        if ((s & CLASS) == C_OTHER) otherContent.remove(g);
        link[g] = c;
        st[g] = (short) (s & ~(CLASS | LINKED));
        if ((pte[vpn] & PTE_FLAGS) != PTE_NOT_PRESENT && pte[vpn] >>> 2 == g) pte[vpn] = g << 2;
    }

    /** The first page in host state {@code state} from {@code start} on, wrapping; -1 when there is none. */
    public int firstInHostState(int start, byte state) {
        if (state != UNBACKED) return inHostState[state].nextWrapping(start);
        int want = state << HOST_SHIFT;
        for (int g = start; g < pages; g++) if ((st[g] & HOST) == want) return g;
        for (int g = 0; g < start; g++) if ((st[g] & HOST) == want) return g;
        return -1;
    }

    /**
     * The page-table entries themselves, for the reference loop's fast path only: a reference may go
     * without a call when its entry has {@link #PTE_READ} (a read) or both bits (a write).
     */
    public int[] pageTableEntries() { return pte; }

    /** Writes page {@code g}'s state word and keeps the entry of the virtual page mapping it in step. */
    private void write(int g, int s) {
        st[g] = (short) s;
        if ((s & LINKED) != 0) {
            int vpn = link[g];
            int e = pte[vpn];
            // only the entry that still points here (the guest may have marked the virtual page absent first)
            if ((e & PTE_FLAGS) != PTE_NOT_PRESENT && e >>> 2 == g) pte[vpn] = g << 2 | flags(s);
        }
    }

    /** The fast-path bits a page in state {@code s} (mapped, its content class known) allows. */
    private static int flags(int s) {
        if ((s & (REF | ACT | HOST_REF)) != (REF | ACT | HOST_REF)) return 0;
        int host = (s & HOST) >>> HOST_SHIFT;
        if (host == MAPPED) return (s & (CLASS | CLEAN)) == C_UNIQUE ? PTE_READ | PTE_WRITE : PTE_READ;
        return host == SHARED ? PTE_READ : 0;
    }
}
