package dev.memvisor.sim.hypervisor;

/**
 * Gives a VM a machine frame for a page it touches, reclaiming one first when the VM is at its
 * limit (or held at its target) or the host has none. When the host is out of frames it takes,
 * never below a reservation while anything else can give: under {@link HostReclaim#RANDOM} a random
 * page of the VM furthest above its target (as ESX's hard and low states do), else of the VM furthest
 * above its reservation; under {@link HostReclaim#LRU} the least recently used private page of any VM
 * above its reservation (Linux); then shared pages until a shared frame loses its last reference, else compressed
 * pages written to swap, else one of the requester's own pages swapped for the new one (counted as
 * a reservation violation when the page it asked for was within its reservation, as happens only on
 * a host whose reservations do not fit). Only when none of these can give does a VM at its
 * reservation lose a page, also counted as a violation. Reservations as floors: Waldspurger, OSDI
 * 2002, section 3.2.
 */
public final class FrameAllocator {
    private final MachineMemory machine;
    private final PageSharing sharing;
    private final Compression compression;
    private final HostSwap swap;
    private final VmBacking[] vms;
    private int attached;
    private final long[] reservationViolations;
    /** VMs' references run on several threads: reclaiming (which reaches into other VMs) must not happen. */
    private volatile boolean concurrent;

    /** An allocator over the frames of {@code machine} for {@code vms} VMs. */
    public FrameAllocator(MachineMemory machine, PageSharing sharing, Compression compression, HostSwap swap, int vms) {
        this.machine = machine;
        this.sharing = sharing;
        this.compression = compression;
        this.swap = swap;
        this.vms = new VmBacking[vms];
        this.reservationViolations = new long[vms];
    }

    /** Adds a VM to those reclamation may take from, in index order. */
    void attach(VmBacking vm) { vms[attached++] = vm; }

    /**
     * Takes one frame for a private page of {@code vm}; {@code cowBreak}: the page replaces one of the
     * VM's shared pages (so a page the VM gives up for it lowers its granted memory).
     */
    void allocate(VmBacking vm, boolean cowBreak) {
        long granted = vm.grantedPages();
        // at its limit (or blocked at target) the VM gives up a page of its own for the new one; a copy-on-write
        // break needs none (its shared page becomes this one). At the reservation it swaps rather than
        // compresses, so exactly one frame comes free and nothing more is taken from it.
        if (!cowBreak && (granted >= vm.limitPages() || (vm.blocksAllocations() && granted >= vm.targetPages()))) {
            swap.swapOutOne(vm, vm.compressionAllowed() && vm.aboveReservation());
        }
        // compressing a page may free no whole frame, so reclaim until one is free
        if (concurrent && machine.freeFrames() <= 0) {
            throw new IllegalStateException("VM " + vm.index() + " needs a frame to be reclaimed while the VMs run in parallel: the step's frame bound was wrong");
        }
        while (machine.freeFrames() <= 0 && reclaimOne(vm, cowBreak)) { }
        machine.takePrivate(vm.index());
    }

    /** Frees one frame for {@code requester} in the order of the class comment; false when no VM has a private page left. */
    private boolean reclaimOne(VmBacking requester, boolean cowBreak) {
        if (swap.reclaim() == HostReclaim.LRU) {
            // Linux: the kernel knows no targets; it takes the least recently used page of any VM above its reservation
            if (swap.swapOutLeastRecent(vms, attached)) return true;
        } else if (reclaimRandom()) {
            return true;
        }
        VmBacking victim;
        long worst;
        // pages shared only among VMs above their reservation hold frames no private page frees: swap them
        while (true) {
            victim = null;
            worst = 0;
            for (int i = 0; i < attached; i++) {
                VmBacking v = vms[i];
                long over = v.grantedPages() - v.reservationPages();
                if (sharing.sharedPages(i) > 0 && over > worst) { worst = over; victim = v; }
            }
            if (victim == null) break;
            long before = machine.freeFrames();
            swap.swapOutSharedOne(victim);
            if (machine.freeFrames() > before) return true;
        }
        // compressed pages hold machine memory outside anyone's granted memory: write them to swap
        for (int i = 0; i < attached; i++) {
            while (compression.compressedPages(i) > 0) if (swap.swapOutCompressedOne(vms[i])) return true;
        }
        // swapped, not compressed: exactly one frame for exactly one page, so the requester holds no less than before
        if (machine.privateFrames(requester.index()) > 0 && swap.swapOutOne(requester, false)) {
            // a violation when the page it asked for was within its reservation: it ends where it was (a copy-on-write
            // break, which turns a shared page into this private one, one page lower) instead of growing to it
            if (requester.grantedPages() + (cowBreak ? 0 : 1) < requester.reservationPages()) reservationViolations[requester.index()]++;
            return true;
        }
        for (int i = 0; i < attached; i++) {
            if (machine.privateFrames(i) > 0 && swap.swapOutOne(vms[i], false)) {
                reservationViolations[i]++;
                return true;
            }
        }
        return false;
    }

    /** ESX: a random page of the VM furthest above its target, else of the VM furthest above its reservation. */
    private boolean reclaimRandom() {
        VmBacking victim = null;
        long worst = 0;
        for (int i = 0; i < attached; i++) {
            VmBacking v = vms[i];
            long over = v.grantedPages() - v.targetPages();
            if (machine.privateFrames(i) > 0 && v.aboveReservation() && over > worst) { worst = over; victim = v; }
        }
        if (victim != null && swap.swapOutOne(victim, victim.compressionAllowed())) return true;
        victim = null;
        worst = 0;
        for (int i = 0; i < attached; i++) {
            VmBacking v = vms[i];
            long over = v.grantedPages() - v.reservationPages();
            if (machine.privateFrames(i) > 0 && over > worst) { worst = over; victim = v; }
        }
        return victim != null && swap.swapOutOne(victim, victim.compressionAllowed());
    }

    /**
     * While {@code on}, the VMs' references run on several threads: the caller has made sure the free frames
     * cover every frame they can take ({@link VmBacking#maxFramesTaken}), so nothing is reclaimed.
     */
    public void setConcurrent(boolean on) { concurrent = on; }

    /** Pages the host took from VM {@code vm} while it held no more than its reservation (only when nothing else could give). */
    public long reservationViolationPages(int vm) { return reservationViolations[vm]; }
}
