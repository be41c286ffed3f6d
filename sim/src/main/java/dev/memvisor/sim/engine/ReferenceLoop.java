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
 * reference waits for what that cost. The fast path reads {@link VmPages}' arrays directly.
 */
public final class ReferenceLoop {
    private final int[] vmap;
    private final int[] content;
    private final byte[] st;
    private final GuestOs guest;
    private final VmBacking backing;
    private final MissCosts costs;

    private final int[] buf = new int[256];
    /** The pages the buffered references map to, looked up in one pass so the loads overlap. */
    private final int[] gbuf = new int[256];
    private int bufPos, bufLen;
    private double wallPerRef, cpuPerRef, idealPerRef;
    private double carryNs;
    private double idealNs, actualNs, appCpuNs;
    private long refs;

    /** The loop of the VM whose guest is {@code guest}, backed by {@code backing}. */
    public ReferenceLoop(GuestOs guest, VmBacking backing) {
        VmPages p = backing.pages();
        this.vmap = p.pageTableArray();
        this.content = p.contentArray();
        this.st = p.stateArray();
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
                costs.startMiss();
                g = slowRef(vpn, g, write);
                c += costs.stallNs();
                fresh = false;
            }
            st[g << 1 | 1] |= REF | ACT;
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

    /** The guest's fault, then whatever the hypervisor must do before the page can be used; returns the page. */
    private int slowRef(int vpn, int g, boolean write) {
        if (g == NOT_PRESENT) {
            g = guest.firstTouch(vpn, write);
        } else if (g == IN_GUEST_SWAP) {
            g = guest.swapIn(vpn);
        } else if (st[g << 1] != MAPPED) {
            backing.back(g);
        }
        if (write) {
            if (st[g << 1] == SHARED) backing.makePrivate(g);
            content[g] = UNIQUE;
        }
        return g;
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
