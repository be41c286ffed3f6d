package dev.memvisor.sim.guest;

import dev.memvisor.sim.Rng;
import dev.memvisor.sim.hypervisor.VmBacking;
import dev.memvisor.sim.memory.VmPages;
import dev.memvisor.sim.workload.VirtualMemory;
import dev.memvisor.sim.workload.Workload;

import static dev.memvisor.sim.memory.PageState.*;

/**
 * The guest operating system of one VM: a free list, a page cache (the image's files, loaded at
 * boot), the application's anonymous pages, CLOCK replacement over both, its own swap, the balloon
 * driver, and a low-memory notification to the application. Every page it touches goes through
 * the hypervisor's {@link VmBacking}, which backs the page before the guest can use it.
 * <p>A file-backed application's pages are file data in the page cache instead (dbench, a file server): CLOCK
 * drops them without I/O (the disk holds them), a read of one not cached reads the guest's disk, a write needs no
 * read, and the first write to a clean page dirties it and pays its writeback. The flusher writes dirty pages back,
 * after which they are clean and a write dirties them again: all of them every {@code dirtyExpire}, and while more
 * than {@value #DIRTY_BACKGROUND} of the guest's memory is dirty as many as the disk writes in the time (background
 * writeback); above the middle of that and {@value #DIRTY_RATIO} (the "freerun" point) the writer is paced to the
 * disk's write bandwidth. So rewrites within the expiry cost nothing unless memory is short of the dirty set.
 * Linux's defaults: Documentation/admin-guide/sysctl/vm.rst (dirty_expire_centisecs 3000, dirty_background_ratio 10,
 * dirty_ratio 20); the pacing is balance_dirty_pages (mm/page-writeback.c).
 */
public final class GuestOs implements VirtualMemory {
    /**
     * Bytes per guest page of the guest's own lists when every page is on one (the free list's pages freed
     * since boot and the balloon driver's stack hold a page at most once between them; they grow as they fill).
     */
    public static final long BYTES_PER_PAGE_AT_MOST = 4;

    private final VmPages pages;
    private final VmBacking backing;
    private final GuestSwap swap;
    private final BalloonDriver balloon;
    private final FreeList free;
    private int clockHand;
    private int cacheHand;
    private int cachePages, anonPages;
    private final int appImageBase;
    /** Virtual pages below this read image content on a first read (the application's files); above, zeros. */
    private final int imageVpnLimit;
    /** Pages one swap-in reads: the aligned block of the application's virtual pages around the faulting one. */
    private final int readahead;
    private final double lowMemoryFraction;
    /** The application's pages are file data in the page cache (see the class comment), not anonymous memory. */
    private final boolean fileBacked;
    private final long dirtyExpireMicros;
    /** Pages one read request of the file-backed application spans (an aligned block of its virtual pages). */
    private final int readPages;
    private long nextWritebackMicros;
    /** File pages written since their last writeback (file-backed only). */
    private int dirtyPages;
    /** Clean pages dirtied so far: each one a page written back. */
    private long pagesDirtied;
    /** Where the background flusher goes on looking for dirty pages. */
    private int flushHand;
    /** Fraction of the guest's memory (less its balloon) dirty above which the flusher writes back in the background. */
    static final double DIRTY_BACKGROUND = 0.10;
    /** Fraction dirty at which writers block; halfway from {@link #DIRTY_BACKGROUND}, they are paced to the disk. */
    static final double DIRTY_RATIO = 0.20;
    /** When the application last trimmed; "never" is a second before time 0 (Long.MIN_VALUE overflowed now - last, so it never fired). */
    private long lastTrimMicros = -1_000_000L;

    /**
     * The guest of the VM {@code backing} backs; {@code appImageBase}: content id of the application's
     * virtual page 0 when it reads pages from the image (0: it does not), which its virtual pages below
     * {@code imageVpnLimit} do; a swap-in reads {@code readahead} pages; it signals low memory
     * when less than {@code lowMemoryFraction} of its pages are free and its page cache is empty.
     * Call {@link #boot} before it runs.
     */
    public GuestOs(VmBacking backing, int appImageBase, int imageVpnLimit, int readahead, double lowMemoryFraction) {
        this(backing, appImageBase, imageVpnLimit, readahead, lowMemoryFraction, false, 1, 0);
    }

    /**
     * As {@link #GuestOs(VmBacking, int, int, int, double)}; with {@code fileBacked} the application's pages are file
     * data in the page cache, read {@code readPages} at a time and written back every {@code dirtyExpireMicros} once dirty.
     */
    public GuestOs(VmBacking backing, int appImageBase, int imageVpnLimit, int readahead, double lowMemoryFraction,
                   boolean fileBacked, int readPages, long dirtyExpireMicros) {
        if (fileBacked && (dirtyExpireMicros <= 0 || readPages < 1)) {
            throw new IllegalArgumentException("dirtyExpire " + dirtyExpireMicros + " us, readPages " + readPages);
        }
        this.fileBacked = fileBacked;
        this.readPages = readPages;
        this.dirtyExpireMicros = dirtyExpireMicros;
        this.nextWritebackMicros = dirtyExpireMicros;
        this.backing = backing;
        this.pages = backing.pages();
        this.swap = new GuestSwap(backing.costs());
        this.free = new FreeList(pages.count());
        this.balloon = new BalloonDriver(this, backing);
        this.appImageBase = appImageBase;
        this.imageVpnLimit = imageVpnLimit;
        this.readahead = readahead;
        this.lowMemoryFraction = lowMemoryFraction;
    }

    /**
     * The guest boots: every page on the free list in blocks of {@value FreeList#SHUFFLE_BLOCK_PAGES} pages (4 MiB) taken
     * in random order, each block in address order, as Linux shuffles its free lists at boot (mm/shuffle.c, at
     * pageblock order 10), so free pages lie scattered through guest memory among used ones; it zeroes (touches)
     * up to {@code zeroPages} of its memory (0: it does not zero; see {@link VmBacking#backZeroedAtBoot}); it loads
     * {@code osPages} of its image (content ids from {@code imageBase}; 0: no image, unique content) into the page
     * cache. {@code rng} orders the blocks.
     */
    public void boot(int imageBase, int osPages, long zeroPages, Rng rng) {
        free.fillAtBoot(rng);
        if (zeroPages > 0) backing.backZeroedAtBoot(zeroPages);
        for (int i = 0; i < osPages; i++) {
            int g = free.pop();
            backing.backAtBoot(g);
            pages.setContent(g, imageBase > 0 ? imageBase + i : UNIQUE);
            pages.setGuestByte(g, CACHE);
            cachePages++;
        }
    }

    /**
     * The application's first touch of virtual page {@code vpn}: a new page, zeroed or read from the image's files; of
     * a file-backed application, a file page not in the page cache: read from the disk, or (a write) dirtied.
     */
    public int firstTouch(int vpn, boolean write) {
        // the rest of a read request's block first: the faulting page, mapped last, is never evicted for it
        int others = fileBacked && !write ? readBlock(vpn) : 0;
        int g = alloc();
        mapAnon(vpn, g);
        backing.makePrivate(g);
        if (fileBacked) {
            pages.setContent(g, UNIQUE);
            if (write) {
                dirtied();
            } else {
                backing.costs().fileRead(1 + others);
                pages.setClean(g);
            }
            return g;
        }
        pages.setContent(g, appImageBase > 0 && !write && vpn < imageVpnLimit ? appImageBase + vpn : ZERO);
        return g;
    }

    /**
     * The other pages of the read request that faults on {@code vpn}: those of the aligned block of {@code readPages}
     * virtual pages that are not cached come in with it, clean (a read of a file range allocates page cache for all
     * of it, evicting as it must). Returns how many.
     */
    private int readBlock(int vpn) {
        if (readPages <= 1) return 0;
        int start = vpn - vpn % readPages, end = Math.min(pages.virtualPages(), start + readPages), n = 0;
        for (int v = start; v < end; v++) {
            if (v == vpn || pages.pageOf(v) != NOT_PRESENT) continue;
            int g = alloc();
            mapAnon(v, g);
            backing.makePrivate(g);
            pages.setContent(g, UNIQUE);
            pages.setClean(g);
            n++;
        }
        return n;
    }

    /** The application wrote page {@code g}: a clean file page becomes dirty and pays its writeback. */
    public void written(int g) {
        if (fileBacked && pages.cleanFilePage(g)) {
            pages.setDirty(g);
            dirtied();
        }
    }

    /** A page became dirty: its writeback is paid now, paced to the disk above the freerun point. */
    private void dirtied() {
        boolean paced = dirtyPages >= (DIRTY_BACKGROUND + DIRTY_RATIO) / 2 * dirtyable();
        dirtyPages++;
        pagesDirtied++;
        backing.costs().writeback(paced);
    }

    /** The memory dirty pages are counted against: the guest's, less its balloon. */
    private int dirtyable() { return pages.count() - balloon.pages(); }

    /**
     * The flusher, for the step of {@code dtMicros} ending at {@code nowMicros} (the writeback of a page was charged when
     * it was dirtied; here it becomes clean, write-protected until the next write): every {@code dirtyExpire} all dirty
     * pages, and otherwise, while over {@link #DIRTY_BACKGROUND} dirty, as many as the disk writes in the step.
     */
    public void writeBack(long nowMicros, long dtMicros) {
        if (!fileBacked || dirtyPages == 0 && nowMicros < nextWritebackMicros) return;
        int n = pages.count();
        if (nowMicros >= nextWritebackMicros) {
            nextWritebackMicros += dirtyExpireMicros * Math.max(1, (nowMicros - nextWritebackMicros) / dirtyExpireMicros + 1);
            for (int g = 0; g < n && dirtyPages > 0; g++) {
                if (pages.guestUse(g) == ANON && !pages.cleanFilePage(g)) {
                    pages.setClean(g);
                    dirtyPages--;
                }
            }
            return;
        }
        long background = (long) (DIRTY_BACKGROUND * dirtyable());
        long budget = Math.min(n, backing.costs().pagesWritableIn(dtMicros * 1000.0));
        for (int i = 0; i < n && dirtyPages > background && budget > 0; i++) {
            int g = flushHand;
            flushHand = g + 1 == n ? 0 : g + 1;
            if (pages.guestUse(g) == ANON && !pages.cleanFilePage(g)) {
                pages.setClean(g);
                dirtyPages--;
                budget--;
            }
        }
    }

    /** A fault on virtual page {@code vpn}, which the guest swapped out: read back into a new page, with its readahead. */
    public int swapIn(int vpn) {
        swap.readBack();
        int g = alloc();
        mapAnon(vpn, g);
        backing.makePrivate(g);
        pages.setContent(g, UNIQUE);
        swap.read(1 + readAhead(vpn));
        return g;
    }

    /**
     * Swap readahead (Linux VMA readahead, mm/swap_state.c swap_vma_readahead): the faulting page's neighbours in
     * the aligned block of {@code readahead} virtual pages that are in swap too come back in the same read, into
     * free pages only (a readahead does not make the guest evict). Returns the pages read besides the faulting one.
     */
    private int readAhead(int vpn) {
        if (readahead <= 1) return 0;
        int start = vpn - vpn % readahead, end = Math.min(pages.virtualPages(), start + readahead), n = 0;
        for (int v = start; v < end && free.size() > 0; v++) {
            if (v == vpn || pages.pageOf(v) != IN_GUEST_SWAP) continue;
            swap.readBack();
            int g = free.pop();
            mapAnon(v, g);
            backing.makePrivate(g);
            pages.setContent(g, UNIQUE);
            n++;
        }
        return n;
    }

    private void mapAnon(int vpn, int g) {
        pages.map(vpn, g);
        pages.setGuestByte(g, ANON);
        anonPages++;
    }

    /** A free guest page: from the free list, else one CLOCK takes from the page cache or an application. */
    private int alloc() {
        if (free.size() > 0) return free.pop();
        return clockEvict(false);
    }

    /**
     * CLOCK (second chance) over guest pages: clears referenced bits until it finds an unreferenced
     * cache or anonymous page and frees it; anonymous pages go to the guest's swap. With
     * {@code cacheOnly} it takes any page-cache page (the balloon takes cache before anonymous pages).
     * CLOCK: Corbató, "A paging experiment with the Multics system", 1968 (Linux's LRU approximation is of this kind).
     */
    int clockEvict(boolean cacheOnly) {
        int n = pages.count();
        if (cacheOnly) {
            for (int i = 0; i < n; i++) {
                int g = cacheHand;
                cacheHand = g + 1 == n ? 0 : g + 1;
                if ((pages.guestByte(g) & KIND) == CACHE) {
                    cachePages--;
                    pages.setGuestByte(g, FREE);
                    return g;
                }
            }
            throw new IllegalStateException("guest page cache count out of step");
        }
        for (long i = 0, max = 3L * n; i < max; i++) {
            int g = clockHand;
            clockHand = g + 1 == n ? 0 : g + 1;
            int s = pages.guestByte(g);
            int kind = s & KIND;
            if (kind != CACHE && kind != ANON) continue;
            if ((s & REF) != 0) {
                pages.setGuestByte(g, s & ~REF);
                continue;
            }
            if (kind == CACHE) {
                cachePages--;
            } else {
                pageOut(g);
            }
            pages.setGuestByte(g, FREE);
            return g;
        }
        throw new IllegalStateException("guest out of memory: no page to evict in VM " + backing.index());
    }

    /**
     * Takes the application's page {@code g} off it, its data kept where they are backed (the caller frees the page):
     * a file page is dropped, not swapped (a clean one is on disk, a dirty one's writeback was paid when dirtied); an
     * anonymous page is written to the guest's swap.
     */
    private void pageOut(int g) {
        int vpn = pages.virtualPageOf(g);
        if (fileBacked) {
            if (!pages.cleanFilePage(g)) dirtyPages--;
            pages.setAbsent(vpn, NOT_PRESENT);
        } else {
            byte h = pages.hostState(g);
            boolean hostHadIt = h == SWAPPED || h == COMPRESSED;
            // double paging: the guest must read the page the host swapped, to write it to its own swap
            if (hostHadIt) backing.back(g);
            pages.setAbsent(vpn, IN_GUEST_SWAP);
            swap.swapOut(hostHadIt);
        }
        pages.clearReverse(g);
        anonPages--;
    }

    /** The next page the free list hands out, or -1 when it is empty. */
    int peekFree() { return free.peek(); }

    /** Takes the next page off the free list (the caller checked it is not empty). */
    int popFree() { return free.pop(); }

    /** Puts page {@code g}, marked free, on the free list. */
    void pushFree(int g) { free.push(g); }

    @Override
    public void release(int fromVpn, int toVpn) {
        for (int v = Math.max(0, fromVpn); v < Math.min(toVpn, pages.virtualPages()); v++) {
            int g = pages.pageOf(v);
            if (g >= 0) {
                if (fileBacked && !pages.cleanFilePage(g)) dirtyPages--;
                pages.setGuestByte(g, FREE);
                pages.clearReverse(g);
                anonPages--;
                free.push(g);
            } else if (g == IN_GUEST_SWAP) {
                swap.discard();
            }
            pages.setAbsent(v, NOT_PRESENT);
        }
    }

    /**
     * Working-set trimming (Windows' working-set manager, and an application's own trim, SetProcessWorkingSetSize /
     * EmptyWorkingSet: Russinovich, Solomon and Ionescu, Windows Internals, 6th ed., ch. 10, "Working Sets"): trimmed
     * pages leave the process but not its data; modified ones are written to the paging file and a later reference is
     * a hard fault. The standby list, from which a reference soon after is a soft fault, is not modelled: a trim
     * happens when available memory is low, when the balloon or the application soon reuses standby pages.
     */
    @Override
    public int trim(int toVpn, int count) {
        int n = 0;
        for (int v = Math.min(toVpn, pages.virtualPages()) - 1; v >= 0 && n < count; v--) {
            int g = pages.pageOf(v);
            if (g < 0) continue;
            pageOut(g);
            pages.setGuestByte(g, FREE);
            free.push(g);
            n++;
        }
        return n;
    }

    @Override
    public int residentPages() { return anonPages; }

    /**
     * The low-memory notification (Windows' memory resource notifications, CreateMemoryResourceNotification): when
     * the guest's available memory (free list and page cache) is under {@code lowMemoryFraction} of its memory, at
     * most once a second, the application is told and may trim its working set.
     */
    public void signalLowMemory(long nowMicros, Workload app) {
        if (free.size() + cachePages < lowMemoryFraction * pages.count()
                && nowMicros - lastTrimMicros >= 1_000_000 && app.lowMemory(this)) {
            lastTrimMicros = nowMicros;
        }
    }

    /** The high-memory notification: available memory at least three times the low-memory level (Windows' default ratio). */
    @Override
    public boolean memoryHigh() {
        return free.size() + cachePages >= 3 * lowMemoryFraction * pages.count();
    }

    /** The VM's pages. */
    public VmPages pages() { return pages; }

    /** The balloon driver. */
    public BalloonDriver balloon() { return balloon; }

    /** The guest's swap. */
    public GuestSwap swap() { return swap; }

    /** Guest-physical pages of the VM. */
    public int guestPageCount() { return pages.count(); }

    /** What the guest uses page {@code g} for: {@code PageState.FREE}, CACHE, ANON or BALLOON. */
    public int guestUse(int g) { return pages.guestUse(g); }

    /** Whether page {@code g} reads as zero: no machine page behind it, or the zero page's content. */
    public boolean readsAsZero(int g) { return pages.readsAsZero(g); }

    /** The {@code i}-th page the guest's free list would hand out next, 0 first. */
    public int freeListPage(int i) { return free.get(i); }

    /** Pages on the guest's free list. */
    public int guestFreePages() { return free.size(); }

    /** Pages held by the balloon. */
    public int balloonPages() { return balloon.pages(); }

    /** Pages of page cache. */
    public int cachePages() { return cachePages; }

    /** File pages written since their last writeback (0 unless the application is file-backed). */
    public int dirtyPages() { return dirtyPages; }

    /** Clean file pages the application dirtied so far, each one page written back to the guest's disk. */
    public long pagesDirtied() { return pagesDirtied; }

    /** Pages the application has resident. */
    public int anonPages() { return anonPages; }

    /** Checks that every guest page is in exactly one place (free list, page cache, application, balloon) and every count matches the arrays. */
    public void checkInvariants() {
        int index = backing.index();
        int n = pages.count();
        int[] kinds = new int[4];
        for (int g = 0; g < n; g++) {
            int k = pages.guestUse(g);
            kinds[k]++;
            int vpn = pages.virtualPageOf(g);
            if (k == ANON && (vpn < 0 || pages.pageOf(vpn) != g)) throw new IllegalStateException("VM " + index + " page " + g + ": anonymous page not mapped both ways");
            if (k != ANON && vpn != -1) throw new IllegalStateException("VM " + index + " page " + g + ": stale reverse map");
        }
        boolean[] onList = new boolean[n];
        for (int i = 0; i < free.size(); i++) {
            int g = free.get(i);
            if (pages.guestUse(g) != FREE || onList[g]) throw new IllegalStateException("VM " + index + " free list holds page " + g + " twice or in use");
            onList[g] = true;
        }
        balloon.checkStack(onList);
        if (kinds[FREE] != free.size()) throw new IllegalStateException("VM " + index + ": " + kinds[FREE] + " free pages, free list " + free.size());
        if (kinds[BALLOON] != balloon.pages()) throw new IllegalStateException("VM " + index + ": balloon count");
        if (kinds[CACHE] != cachePages || kinds[ANON] != anonPages) throw new IllegalStateException("VM " + index + ": cache/anon counts");
        if (fileBacked) {
            int dirty = 0;
            for (int g = 0; g < n; g++) if (pages.guestUse(g) == ANON && !pages.cleanFilePage(g)) dirty++;
            if (dirty != dirtyPages) throw new IllegalStateException("VM " + index + ": " + dirty + " dirty file pages, counted " + dirtyPages);
        }
        long inSwap = 0;
        for (int v = 0; v < pages.virtualPages(); v++) if (pages.pageOf(v) == IN_GUEST_SWAP) inSwap++;
        if (inSwap != swap.usedPages()) throw new IllegalStateException("VM " + index + ": guest swap count");
        if (n - balloon.pages() < backing.reservationPages()) throw new IllegalStateException("VM " + index + ": balloon below reservation");
    }
}
