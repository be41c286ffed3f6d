package dev.memvisor.sim.hypervisor;

/**
 * The host side of ballooning (Waldspurger, OSDI 2002, section 3.2): the balloon target the policy
 * set for each VM, and how far a guest's balloon driver may move toward it in a step
 * ({@code host.balloonRate}). The driver in the guest chooses which pages to give
 * ({@code guest.BalloonDriver}); the hypervisor frees what backs them ({@link VmBacking#release}).
 */
public final class Balloon {
    private static final long PAGE = 4096;
    private final long rateBytes;
    private final StepRate rate = new StepRate();
    private final long[] targetPages;

    /** Balloons for {@code vms} VMs moving at most {@code rateBytes} a second each. */
    public Balloon(int vms, long rateBytes) {
        this.rateBytes = rateBytes;
        this.targetPages = new long[vms];
    }

    /** The policy's balloon target for VM {@code vm}. */
    public void setTarget(int vm, long pages) { targetPages[vm] = pages; }

    /** The balloon target of VM {@code vm}, in pages (esxtop MCTLTGT). */
    public long targetPages(int vm) { return targetPages[vm]; }

    /** Pages each driver may inflate or deflate in a step of {@code dtSeconds}. */
    public long pagesThisStep(double dtSeconds) { return rate.whole(rateBytes * dtSeconds / PAGE); }
}
