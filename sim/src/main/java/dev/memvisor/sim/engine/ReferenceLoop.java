package dev.memvisor.sim.engine;

import dev.memvisor.sim.guest.GuestOs;
import dev.memvisor.sim.hypervisor.VmBacking;
import dev.memvisor.sim.memory.MissCosts;
import dev.memvisor.sim.memory.VmPages;
import dev.memvisor.sim.workload.Workload;

import static dev.memvisor.sim.memory.PageState.*;

/**
 * The simulator's hot path: one VM's application making its page references on its vCPUs. Each
 * reference goes through the guest page table to a guest-physical page and is served there when
 * the host backs that page (a read of a private or shared page, a write to a private page already
 * written); otherwise the guest OS handles its fault (first touch, guest swap-in) and the
 * hypervisor backs the page (zero-fill, swap-in, decompression, copy-on-write break), and the
 * reference waits for what that cost. The fast path reads one page-table entry per reference
 * ({@link VmPages#pageTableEntries}), looked up for a whole batch in one pass so the loads overlap,
 * and writes nothing; every other reference (a fault, a page whose REF or ACT bit was cleared) takes
 * the slow path.
 */
public final class ReferenceLoop {
    private static final int BATCH = 256;
    private final VmPages pages;
    private final int[] pte;
    private final GuestOs guest;
    private final VmBacking backing;
    private final MissCosts costs;

    private final int[] buf = new int[BATCH];
    /** The page-table entries of the buffered references, looked up in one pass so the loads overlap. */
    private final int[] ebuf = new int[BATCH];
    private int bufPos, bufLen;
    private double wallPerRef, cpuPerRef, idealPerRef;
    private double carryNs;
    private double idealNs, actualNs, appCpuNs;
    private long refs;

    /** The loop of the VM whose guest is {@code guest}, backed by {@code backing}. */
    public ReferenceLoop(GuestOs guest, VmBacking backing) {
        this.pages = backing.pages();
        this.pte = pages.pageTableEntries();
        this.guest = guest;
        this.backing = backing;
        this.costs = backing.costs();
    }

    /**
     * Runs the application {@code w} for {@code budgetNs} of wall time; each reference costs its share of
     * the application's time, stretched by {@code stretch} when the VM waits for a core, plus the
     * stalls of the faults it takes. Returns the references made.
     */
    public long run(Workload w, double budgetNs, double stretch) {
        final int[] pte = this.pte;
        final int[] buf = this.buf;
        final int[] ebuf = this.ebuf;
        double avail = budgetNs + carryNs;
        double actual = 0, ideal = 0, cpu = 0;
        long done = 0;
        int pos = bufPos, len = bufLen;
        double perRef = wallPerRef * stretch;
        double idealPer = idealPerRef, cpuPer = cpuPerRef;
        // ebuf stays valid until a slow path runs: only slow paths change this VM's page table inside the loop
        for (int i = pos; i < len; i++) ebuf[i] = pte[buf[i] >>> 1];
        boolean fresh = true;
        while (avail > 0) {
            if (pos == len) {
                len = w.fill(buf, BATCH);
                pos = 0;
                if (len == 0) { avail = 0; break; }
                for (int i = 0; i < len; i++) ebuf[i] = pte[buf[i] >>> 1];
                fresh = true;
                idealPerRef = idealPer = w.wallNsPerRef();
                wallPerRef = idealPer;
                cpuPerRef = cpuPer = w.cpuNsPerRef();
                perRef = wallPerRef * stretch;
            }
            if (fresh) {
                // the batch's hits: a read of a backed page, a write to a private unique page, REF and ACT already set
                while (pos < len && avail > 0) {
                    int r = buf[pos];
                    int need = VmPages.PTE_READ | (r & 1) << 1;
                    if ((ebuf[pos] & need) != need) break;
                    pos++;
                    avail -= perRef;
                    actual += perRef;
                    ideal += idealPer;
                    cpu += cpuPer;
                    done++;
                }
                if (pos == len || avail <= 0) continue;
                fresh = false;
            }
            // after a slow path the looked-up entries may be stale: one reference at a time from the page table
            int r = buf[pos++];
            int vpn = r >>> 1;
            int need = VmPages.PTE_READ | (r & 1) << 1;
            double c = perRef;
            if ((pte[vpn] & need) != need) {
                costs.startMiss();
                slowRef(vpn, (r & 1) != 0);
                c += costs.stallNs();
            }
            avail -= c;
            actual += c;
            ideal += idealPer;
            cpu += cpuPer;
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

    /**
     * An upper bound on the references {@link #run} with these arguments can make now (each costs at
     * least the cheapest batch's time); {@link Long#MAX_VALUE} when the workload cannot bound its rate.
     */
    public long maxRefs(Workload w, double budgetNs, double stretch) {
        double avail = budgetNs + carryNs;
        if (!(avail > 0)) return 0;
        double m = w.minWallNsPerRef();
        if (bufPos < bufLen) m = Math.min(m, wallPerRef);
        m *= stretch;
        if (!(m > 0)) return Long.MAX_VALUE;
        double k = avail / m;
        // the loop subtracts in floating point: a margin far above its rounding
        return k > 1e15 ? Long.MAX_VALUE : (long) (k * (1 + 1e-6)) + 2;
    }

    /**
     * The guest's fault, then whatever the hypervisor must do before the page can be used, then the
     * page's REF and ACT bits (a reference to a page needing nothing else only sets those).
     */
    private void slowRef(int vpn, boolean write) {
        int g = pages.pageOf(vpn);
        if (g == NOT_PRESENT) {
            g = guest.firstTouch(vpn, write);
        } else if (g == IN_GUEST_SWAP) {
            g = guest.swapIn(vpn);
        } else if (pages.hostState(g) != MAPPED) {
            backing.back(g);
        }
        if (write) {
            if (pages.hostState(g) == SHARED) backing.makePrivate(g);
            pages.setContent(g, UNIQUE);
            guest.written(g);
        }
        pages.reference(g);
    }

    /** Whether references are still buffered (the workload's last batch is not done). */
    public boolean hasBufferedRefs() { return bufPos < bufLen; }

    /** Page references made so far. */
    public long refs() { return refs; }

    /** Wall time the work done so far takes standalone (no stalls, a core always free), ns. */
    public double idealNs() { return idealNs; }

    /** Wall time the work done so far took, ns. */
    public double actualNs() { return actualNs; }

    /** vCPU time the application used so far, ns. */
    public double appCpuNs() { return appCpuNs; }
}
