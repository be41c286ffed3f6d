package dev.memvisor.sim.engine;

import dev.memvisor.sim.workload.VirtualMemory;
import dev.memvisor.sim.workload.Workload;

import static dev.memvisor.sim.engine.PageState.*;

/**
 * One VM's guest-physical memory, page by page in primitive arrays, with both sides of it: the
 * guest OS (free list, page cache, anonymous pages, CLOCK replacement, its swap, the balloon
 * driver) and the hypervisor (machine backing, sharing, swap, compression). The reference loop
 * {@link #run} is the simulator's hot path.
 */
public final class VmMemory implements VirtualMemory {
    final int index;
    final int pages;
    final HostMemory host;
    final Rng rng;

    // per guest-physical page
    final int[] content;
    /** Per page two bytes side by side (one cache line for both): host state at 2g, guest state at 2g+1. */
    final byte[] st;
    final int[] rmap;
    // per application virtual page
    final int[] vmap;

    private final int[] freeStack;
    int freeTop;
    private final int[] balloonStack;
    int balloonTop;
    private int clockHand;
    /** The host reclaim's CLOCK hand over this VM's pages (throttled VMs only). */
    private int hostHand;
    private int cacheHand;
    int scanCursor;

    // counters (pages)
    int mapped, shared, sharedZero, swapped, compressed, cachePages, anonPages;
    long guestSwapUsed;
    // policy's current orders
    long targetPages;
    long limitPages;
    long reservationPages;
    long balloonTargetPages;
    long swapTargetPages;
    boolean compressionAllowed;
    boolean blockAllocations;
    /** The plan throttles the VM at its target (memory.high): the host swaps it toward its target whatever the host state. */
    boolean throttle;

    // costs (ns)
    final double faultNs, swapNs, decompressNs, guestSwapNs;
    final double compressibleFraction;
    final long compressionMaxPages;
    final int imageBase;
    final int appImageBase;

    // cumulative event counts
    long hostFaults, swapIns, swapOuts, compressions, decompressions, cowBreaks, doublePaged,
            guestSwapIns, guestSwapOuts, scannedPages, refs;
    /** Pages the host took from this VM while it held no more than its reservation (only when nothing else could give). */
    long reservationViolations;
    double hvCpuNs;
    /**
     * Time the VM stalled waiting for the host to bring a page back (host swap-in, decompression): what
     * Linux PSI counts as memory stall of its QEMU's cgroup. The guest's own swap-ins are I/O to the host,
     * not host memory stalls, and are not counted.
     */
    double hostStallNs;

    // reference loop state
    private final int[] buf = new int[256];
    /** The pages the buffered references map to, looked up in one pass so the loads overlap. */
    private final int[] gbuf = new int[256];
    private int bufPos, bufLen;
    private double wallPerRef, cpuPerRef, idealPerRef;
    private double carryNs;
    private double stallNs;
    double idealNs, actualNs, appCpuNs;

    /**
     * A VM of {@code pages} guest pages whose application addresses {@code vpnSpace} virtual pages.
     *
     * @param imageBase    first content id of the VM's image (0: no image), {@code osPages} of which load at boot
     * @param appImageBase content id of the application's virtual page 0 when it reads its pages from the image (0: it does not)
     */
    public VmMemory(int index, int pages, int vpnSpace, HostMemory host, Rng rng, int imageBase, int osPages,
                    boolean zeroOnBoot, int appImageBase, Costs costs, long limitPages, long reservationPages) {
        this.index = index;
        this.pages = pages;
        this.host = host;
        this.rng = rng;
        this.content = new int[pages];
        this.st = new byte[2 * pages];
        this.rmap = new int[pages];
        this.vmap = new int[vpnSpace];
        java.util.Arrays.fill(rmap, -1);
        java.util.Arrays.fill(vmap, NOT_PRESENT);
        this.freeStack = new int[pages];
        this.balloonStack = new int[pages];
        this.faultNs = costs.faultNs();
        this.swapNs = costs.swapNs();
        this.decompressNs = costs.decompressNs();
        this.guestSwapNs = costs.guestSwapNs();
        this.compressibleFraction = costs.compressibleFraction();
        this.compressionMaxPages = (long) (costs.compressionMaxFraction() * pages);
        this.imageBase = imageBase;
        this.appImageBase = appImageBase;
        this.limitPages = limitPages;
        this.targetPages = limitPages;
        this.reservationPages = reservationPages;
        boot(osPages, zeroOnBoot);
    }

    /** The guest boots: loads its image into the page cache and, if it zeroes memory, touches every page. */
    private void boot(int osPages, boolean zeroOnBoot) {
        for (int g = pages - 1; g >= 0; g--) freeStack[freeTop++] = g;
        if (zeroOnBoot) {
            // a guest cannot be backed beyond its limit or the machine's free memory (the rest reads as zero, unbacked)
            int backed = (int) Math.min(Math.min(pages, limitPages), Math.max(0, host.freeFrames()));
            for (int g = 0; g < backed; g++) {
                st[g << 1] = MAPPED;
                content[g] = ZERO;
            }
            mapped = backed;
            host.usedFrames += backed;
        }
        for (int i = 0; i < osPages; i++) {
            int g = freeStack[--freeTop];
            if (st[g << 1] == UNBACKED && grantedPages() < limitPages && host.freeFrames() > 0) {
                st[g << 1] = MAPPED;
                mapped++;
                host.usedFrames++;
            }
            content[g] = imageBase > 0 ? imageBase + i : UNIQUE;
            st[g << 1 | 1] = CACHE;
            cachePages++;
        }
    }

    /** Number of machine pages a compression cache of {@code c} pages takes (pages shrink to half or less). */
    static long compressedFrames(long c) { return (c + 1) / 2; }

    /** Guest pages backed by machine memory (esxtop GRANT). */
    public long grantedPages() { return mapped + shared; }

    /** Whether the host may reclaim a backed page of this VM: it holds more than its reservation. */
    boolean aboveReservation() { return mapped + shared > reservationPages; }

    /** Pages the host took from this VM below its reservation because nothing else could give (a violation). */
    public long reservationViolationPages() { return reservationViolations; }

    /**
     * Runs the VM's application for {@code budgetNs} of wall time; each reference costs its share of
     * the application's time, stretched by {@code stretch} when the VM waits for a core, plus the
     * stalls of the faults it takes. Returns the references made.
     */
    public long run(Workload w, double budgetNs, double stretch) {
        final int[] vmap = this.vmap;
        final int[] content = this.content;
        final byte[] st = this.st;
        final int[] buf = this.buf;
        final int[] gbuf = this.gbuf;
        double avail = budgetNs + carryNs;
        double actual = 0, ideal = 0, cpu = 0;
        long done = 0;
        int pos = bufPos, len = bufLen;
        double perRef = wallPerRef * stretch;
        // gbuf stays valid until a slow path runs: only slow paths change this VM's vmap inside the loop
        for (int i = pos; i < len; i++) gbuf[i] = vmap[buf[i] >>> 1];
        boolean fresh = true;
        while (avail > 0) {
            if (pos == len) {
                len = w.fill(buf, buf.length);
                pos = 0;
                if (len == 0) { avail = 0; break; }
                for (int i = 0; i < len; i++) gbuf[i] = vmap[buf[i] >>> 1];
                fresh = true;
                idealPerRef = w.wallNsPerRef();
                wallPerRef = idealPerRef;
                cpuPerRef = w.cpuNsPerRef();
                perRef = wallPerRef * stretch;
            }
            int r = buf[pos];
            int vpn = r >>> 1;
            boolean write = (r & 1) != 0;
            int g = fresh ? gbuf[pos] : vmap[vpn];
            pos++;
            double c = perRef;
            // fast path: a read of a private or shared page, or a write to a private page already unique
            if (g < 0 || (write ? st[g << 1] != MAPPED || content[g] != UNIQUE : (st[g << 1] - MAPPED) >>> 1 != 0)) {
                stallNs = 0;
                g = slowRef(vpn, g, write);
                c += stallNs;
                fresh = false;
            }
            st[g << 1 | 1] |= REF | ACT | HREF;
            avail -= c;
            actual += c;
            ideal += idealPerRef;
            cpu += cpuPerRef;
            done++;
        }
        bufPos = pos;
        bufLen = len;
        carryNs = Math.min(0, avail);
        idealNs += ideal;
        actualNs += actual;
        appCpuNs += cpu;
        refs += done;
        return done;
    }

    /** Whether references are still buffered (the workload's last batch is not done). */
    public boolean hasBufferedRefs() { return bufPos < bufLen; }

    /** Guest fault, then whatever the hypervisor must do before the page can be used. */
    private int slowRef(int vpn, int g, boolean write) {
        if (g == NOT_PRESENT) {
            g = guestAlloc();
            mapAnon(vpn, g);
            // the guest zeroes a new page, or reads it from the image's files
            makePrivate(g);
            content[g] = appImageBase > 0 && !write ? appImageBase + vpn : ZERO;
        } else if (g == IN_GUEST_SWAP) {
            guestSwapUsed--;
            guestSwapIns++;
            stallNs += guestSwapNs;
            g = guestAlloc();
            mapAnon(vpn, g);
            makePrivate(g);
            content[g] = UNIQUE;
        } else if (st[g << 1] != MAPPED) {
            backPage(g);
        }
        if (write) {
            if (st[g << 1] == SHARED) makePrivate(g);
            content[g] = UNIQUE;
        }
        return g;
    }

    private void mapAnon(int vpn, int g) {
        vmap[vpn] = g;
        rmap[g] = vpn;
        st[g << 1 | 1] = (byte) ANON;
        anonPages++;
    }

    /** Gives page {@code g} a private machine page (a write is coming), paying what it costs. */
    private void makePrivate(int g) {
        if (st[g << 1] == MAPPED) return;
        if (st[g << 1] == SHARED) {
            if (host.sharedRef[content[g]] == 1) {
                // the last reference: the frame itself becomes private, no copy and no new frame
                unshare(g);
                host.usedFrames++;
                mapped++;
            } else {
                allocFrame(true);
                unshare(g);
            }
            st[g << 1] = MAPPED;
            cowBreaks++;
            stallNs += faultNs;
            hvCpuNs += faultNs;
            return;
        }
        backPage(g);
    }

    /** Backs an unbacked, swapped or compressed page with a machine page. */
    private void backPage(int g) {
        byte h = st[g << 1];
        if (h == SHARED || h == MAPPED) return;
        allocFrame(false);
        if (h == SWAPPED) {
            swapped--;
            host.swapUsedPages--;
            swapIns++;
            stallNs += swapNs;
            hostStallNs += swapNs;
        } else if (h == COMPRESSED) {
            uncompressOne();
            decompressions++;
            stallNs += decompressNs;
            hostStallNs += decompressNs;
        } else {
            content[g] = ZERO;
        }
        st[g << 1] = MAPPED;
        hostFaults++;
        stallNs += faultNs;
        hvCpuNs += faultNs;
    }

    /**
     * Takes one machine page for this VM (mapped++), reclaiming first when the VM is at its limit or
     * the host is full; {@code cowBreak}: the page replaces one of the VM's shared pages (so a page
     * the VM gives up for it lowers its granted memory).
     */
    private void allocFrame(boolean cowBreak) {
        long granted = grantedPages();
        // at its limit (or blocked at target) the VM gives up a page of its own for the new one; a copy-on-write
        // break needs none (its shared page becomes this one). At the reservation it swaps rather than
        // compresses, so exactly one frame comes free and nothing more is taken from it.
        if (!cowBreak && (granted >= limitPages || (blockAllocations && granted >= targetPages))) {
            swapOutOne(compressionAllowed && aboveReservation());
        }
        // compressing a page may free no whole frame, so reclaim until one is free
        while (host.freeFrames() <= 0 && host.reclaimOne(this, cowBreak)) { }
        mapped++;
        host.usedFrames++;
    }

    private void uncompressOne() {
        long before = compressedFrames(compressed);
        compressed--;
        host.usedFrames -= before - compressedFrames(compressed);
    }

    /** Maps page {@code g} (private, content {@code c}) onto the shared frame of {@code c}. */
    void shareInto(int g, int c) {
        st[g << 1] = SHARED;
        mapped--;
        host.usedFrames--;
        shared++;
        if (c == ZERO) sharedZero++;
        host.sharedRef[c]++;
        host.sharedRefs++;
    }

    /** Drops page {@code g}'s reference to its shared frame, freeing the frame with the last one. */
    private void unshare(int g) {
        int c = content[g];
        shared--;
        if (c == ZERO) sharedZero--;
        host.sharedRefs--;
        if (--host.sharedRef[c] == 0) {
            host.sharedFrames--;
            host.usedFrames--;
        }
    }

    /** Gives up whatever backs page {@code g} (the balloon took it); it reads as zeros when backed again. */
    private void release(int g) {
        switch (st[g << 1]) {
            case MAPPED -> { mapped--; host.usedFrames--; }
            case SHARED -> unshare(g);
            case SWAPPED -> { swapped--; host.swapUsedPages--; }
            case COMPRESSED -> uncompressOne();
            default -> { }
        }
        st[g << 1] = UNBACKED;
        content[g] = ZERO;
    }

    /** A free guest page: from the free list, else one CLOCK takes from the page cache or an application. */
    private int guestAlloc() {
        if (freeTop > 0) return freeStack[--freeTop];
        return clockEvict(false);
    }

    /**
     * CLOCK (second chance) over guest pages: clears referenced bits until it finds an unreferenced
     * cache or anonymous page and frees it; anonymous pages go to the guest's swap. With
     * {@code cacheOnly} it takes any page-cache page (the balloon takes cache before anonymous pages).
     * CLOCK: Corbató, "A paging experiment with the Multics system", 1968 (Linux's LRU approximation is of this kind).
     */
    private int clockEvict(boolean cacheOnly) {
        if (cacheOnly) {
            for (int i = 0; i < pages; i++) {
                int g = cacheHand;
                cacheHand = g + 1 == pages ? 0 : g + 1;
                if ((st[g << 1 | 1] & KIND) == CACHE) {
                    cachePages--;
                    st[g << 1 | 1] = FREE;
                    return g;
                }
            }
            throw new IllegalStateException("guest page cache count out of step");
        }
        for (long i = 0, n = 3L * pages; i < n; i++) {
            int g = clockHand;
            clockHand = g + 1 == pages ? 0 : g + 1;
            int s = st[g << 1 | 1];
            int kind = s & KIND;
            if (kind != CACHE && kind != ANON) continue;
            if ((s & REF) != 0) {
                st[g << 1 | 1] = (byte) (s & ~REF);
                continue;
            }
            if (kind == CACHE) {
                cachePages--;
            } else {
                if (st[g << 1] == SWAPPED || st[g << 1] == COMPRESSED) {
                    // double paging: the guest must read the page the host swapped, to write it to its own swap
                    doublePaged++;
                    backPage(g);
                }
                int vpn = rmap[g];
                vmap[vpn] = IN_GUEST_SWAP;
                rmap[g] = -1;
                anonPages--;
                guestSwapUsed++;
                guestSwapOuts++;
            }
            st[g << 1 | 1] = FREE;
            return g;
        }
        throw new IllegalStateException("guest out of memory: no page to evict in VM " + index);
    }

    /**
     * Inflates the balloon by up to {@code n} pages toward its target: free pages first, then page
     * cache, then anonymous pages, so the guest's own policy chooses (Waldspurger, OSDI 2002, section 3).
     */
    public void inflate(long n) {
        for (long i = 0; i < n && balloonTop < balloonTargetPages; i++) {
            // the balloon frees what backs the page it takes: not at the reservation, unless the page is unbacked
            boolean unbackedNext = freeTop > 0 && st[freeStack[freeTop - 1] << 1] == UNBACKED;
            if (!unbackedNext && !aboveReservation()) return;
            int g;
            if (freeTop > 0) g = freeStack[--freeTop];
            else if (cachePages > 0) g = clockEvict(true);
            else g = clockEvict(false);
            st[g << 1 | 1] = BALLOON;
            balloonStack[balloonTop++] = g;
            release(g);
        }
    }

    /** Deflates the balloon by up to {@code n} pages toward its target; the pages return to the guest's free list. */
    public void deflate(long n) {
        for (long i = 0; i < n && balloonTop > balloonTargetPages; i++) {
            int g = balloonStack[--balloonTop];
            st[g << 1 | 1] = FREE;
            freeStack[freeTop++] = g;
        }
    }

    /**
     * Swaps out (or compresses) one random private page, as the hypervisor does without guest
     * knowledge (ESX picks victims at random). Returns false when the VM has no private page.
     */
    boolean swapOutOne(boolean compress) {
        if (mapped == 0) return false;
        int g = -1;
        for (int t = 0; t < 64; t++) {
            int c = rng.nextInt(pages);
            if (st[c << 1] == MAPPED) { g = c; break; }
        }
        if (g < 0) {
            g = sweepFromRandom(MAPPED);
            if (g < 0) return false;
        }
        evict(g, compress);
        return true;
    }

    /**
     * Reclaims up to {@code n} private pages while the VM holds more than its target, as the host
     * kernel reclaims a cgroup above its memory.high: the first page its CLOCK finds not referenced since
     * it last passed ({@link PageState#HREF}, a second chance), so cold pages go before the working set
     * (Linux mm/vmscan.c reclaims from the inactive end of its LRU). Never below the reservation.
     */
    public void reclaimTowardTarget(long n) {
        for (long i = 0; i < n && grantedPages() > targetPages && aboveReservation() && mapped > 0; i++) {
            int g = -1;
            for (long t = 0, max = 2L * pages; t < max; t++) {
                int c = hostHand;
                hostHand = c + 1 == pages ? 0 : c + 1;
                if (st[c << 1] != MAPPED) continue;
                int s = st[c << 1 | 1];
                if ((s & HREF) != 0) {
                    st[c << 1 | 1] = (byte) (s & ~HREF);
                    continue;
                }
                g = c;
                break;
            }
            if (g < 0) return;
            evict(g, compressionAllowed);
        }
    }

    /** Takes private page {@code g} out of machine memory: into the compression cache when allowed and it compresses, else to swap. */
    private void evict(int g, boolean compress) {
        mapped--;
        host.usedFrames--;
        if (compress && compressed < compressionMaxPages && rng.nextDouble() < compressibleFraction) {
            long before = compressedFrames(compressed);
            compressed++;
            host.usedFrames += compressedFrames(compressed) - before;
            st[g << 1] = COMPRESSED;
            compressions++;
        } else {
            toSwap(g);
        }
    }

    /** The first page in host state {@code hostState} from a random start, wrapping; -1 when there is none. */
    private int sweepFromRandom(byte hostState) {
        int start = rng.nextInt(pages);
        for (int i = 0; i < pages; i++) {
            int g = start + i < pages ? start + i : start + i - pages;
            if (st[g << 1] == hostState) return g;
        }
        return -1;
    }

    /** Marks page {@code g}, no longer in machine memory, as written to the host's swap. */
    private void toSwap(int g) {
        st[g << 1] = SWAPPED;
        swapped++;
        host.swapUsedPages++;
        swapOuts++;
    }

    /**
     * Swaps out one random shared page (its sharing ends; the shared frame is freed with its last
     * reference). Only for the host's last resort: a VM whose pages are all shared holds frames too.
     */
    void swapOutSharedOne() {
        if (shared == 0) throw new IllegalStateException("VM " + index + ": no shared page to swap");
        int g = sweepFromRandom(SHARED);
        if (g < 0) throw new IllegalStateException("VM " + index + ": shared count " + shared + " but no shared page");
        unshare(g);
        toSwap(g);
    }

    /**
     * Moves one random compressed page to the swap (the compression cache writes back to disk) and
     * returns whether it freed a machine page; false when nothing is compressed.
     */
    boolean evictCompressedOne() {
        if (compressed == 0) return false;
        int g = sweepFromRandom(COMPRESSED);
        if (g < 0) throw new IllegalStateException("VM " + index + ": compressed count " + compressed + " but no compressed page");
        long before = compressedFrames(compressed);
        compressed--;
        host.usedFrames -= before - compressedFrames(compressed);
        toSwap(g);
        return before != compressedFrames(compressed);
    }

    /**
     * Swaps or compresses out up to {@code n} pages while swapped and compressed pages are below the
     * swap target, never taking the VM below its reservation.
     */
    public void swapTowardTarget(long n) {
        for (long i = 0; i < n && swapped + compressed < swapTargetPages && aboveReservation(); i++) {
            if (!swapOutOne(compressionAllowed)) return;
        }
    }

    @Override
    public void release(int fromVpn, int toVpn) {
        for (int v = Math.max(0, fromVpn); v < Math.min(toVpn, vmap.length); v++) {
            int g = vmap[v];
            if (g >= 0) {
                st[g << 1 | 1] = FREE;
                rmap[g] = -1;
                anonPages--;
                freeStack[freeTop++] = g;
            } else if (g == IN_GUEST_SWAP) {
                guestSwapUsed--;
            }
            vmap[v] = NOT_PRESENT;
        }
    }

    /** Guest-physical pages of the VM (read-only view for the migration model). */
    public int guestPageCount() { return pages; }

    /** What the guest uses page {@code g} for: {@link PageState#FREE}, CACHE, ANON or BALLOON (read-only view). */
    public int guestUse(int g) { return st[g << 1 | 1] & KIND; }

    /** Whether page {@code g} reads as zero: no machine page behind it, or the zero page's content (read-only view). */
    public boolean readsAsZero(int g) { return st[g << 1] == UNBACKED || content[g] == ZERO; }

    /** The {@code i}-th page the guest's free list would hand out next, 0 first (read-only view). */
    public int freeListPage(int i) { return freeStack[freeTop - 1 - i]; }

    /** Pages on the guest's free list. */
    public int guestFreePages() { return freeTop; }

    /** Pages held by the balloon. */
    public int balloonPages() { return balloonTop; }

    /** Pages of page cache. */
    public int cachePages() { return cachePages; }

    /** Pages the application has resident. */
    public int anonPages() { return anonPages; }

    /** Clears the sampler's touched bit of page {@code g}. */
    void clearTouched(int g) { st[g << 1 | 1] = (byte) (st[g << 1 | 1] & ~ACT); }

    /** Whether page {@code g} was touched since its bit was cleared. */
    boolean touched(int g) { return (st[g << 1 | 1] & ACT) != 0; }

    /** Checks that every guest page is in exactly one place and every counter matches the arrays. */
    public void checkInvariants() {
        int[] kinds = new int[4];
        int[] hostStates = new int[5];
        int zeroShared = 0;
        for (int g = 0; g < pages; g++) {
            int k = st[g << 1 | 1] & KIND;
            kinds[k]++;
            hostStates[st[g << 1]]++;
            if (st[g << 1] == SHARED && content[g] == ZERO) zeroShared++;
            if (k == BALLOON && st[g << 1] != UNBACKED) throw new IllegalStateException("VM " + index + " page " + g + ": ballooned but backed");
            if (k == ANON && (rmap[g] < 0 || vmap[rmap[g]] != g)) throw new IllegalStateException("VM " + index + " page " + g + ": anonymous page not mapped both ways");
            if (k != ANON && rmap[g] != -1) throw new IllegalStateException("VM " + index + " page " + g + ": stale reverse map");
        }
        boolean[] onList = new boolean[pages];
        for (int i = 0; i < freeTop; i++) {
            int g = freeStack[i];
            if ((st[g << 1 | 1] & KIND) != FREE || onList[g]) throw new IllegalStateException("VM " + index + " free list holds page " + g + " twice or in use");
            onList[g] = true;
        }
        for (int i = 0; i < balloonTop; i++) {
            int g = balloonStack[i];
            if ((st[g << 1 | 1] & KIND) != BALLOON || onList[g]) throw new IllegalStateException("VM " + index + " balloon holds page " + g + " wrongly");
            onList[g] = true;
        }
        if (kinds[FREE] != freeTop) throw new IllegalStateException("VM " + index + ": " + kinds[FREE] + " free pages, free list " + freeTop);
        if (kinds[BALLOON] != balloonTop) throw new IllegalStateException("VM " + index + ": balloon count");
        if (kinds[CACHE] != cachePages || kinds[ANON] != anonPages) throw new IllegalStateException("VM " + index + ": cache/anon counts");
        if (hostStates[MAPPED] != mapped || hostStates[SHARED] != shared || hostStates[SWAPPED] != swapped
                || hostStates[COMPRESSED] != compressed || zeroShared != sharedZero) {
            throw new IllegalStateException("VM " + index + ": host page counts out of step");
        }
        long inSwap = 0;
        for (int v : vmap) if (v == IN_GUEST_SWAP) inSwap++;
        if (inSwap != guestSwapUsed) throw new IllegalStateException("VM " + index + ": guest swap count");
        if (grantedPages() > limitPages) throw new IllegalStateException("VM " + index + ": granted " + grantedPages() + " above limit " + limitPages);
        if (pages - balloonTop < reservationPages) throw new IllegalStateException("VM " + index + ": balloon below reservation");
    }
}
