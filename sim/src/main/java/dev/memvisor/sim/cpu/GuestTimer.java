package dev.memvisor.sim.cpu;

import dev.memvisor.sim.Rng;

/**
 * The guest's tick-sampling CPU accounting under a host scheduler (Friedman, seed 003). Each timer tick
 * (64 Hz in Windows) charges the thread running on the vCPU, or the idle loop: "it examines the execution
 * state of the system prior to the interrupt" (the seed). A tick that comes while the vCPU does not run guest
 * code, waiting in the host's ready queue or held in the hypervisor (a fault it handles, a swap-in the guest
 * does not know of), is held: "the VMware dispatcher delays delivery of that interrupt ... until the next time
 * that guest machine is dispatched" (the seed). At dispatch one held tick is delivered at once and samples the
 * state the vCPU left: the thread it was preempted in, or the idle loop when the wait followed a wake-up from
 * halt (a halted vCPU is not in the ready queue; an interrupt puts it there with the guest still idle). The rest
 * of the backlog is caught up, at most {@code catchUp} held ticks with each tick, charged to whatever runs then;
 * once the backlog exceeds {@code giveUp} VMware resynchronises the guest clock and zeroes it: lost ticks ("In
 * extreme cases where the backlog of timer interrupts ever exceeds 60 seconds ... zeros out its backlog"). So a
 * preempted vCPU's ready time counts as busy to the guest, a woken one's as idle, and what the hypervisor does
 * on other threads for the VM (its I/O) is never counted at all. Sources: Friedman (seed 003); VMware,
 * "Timekeeping in VMware Virtual Machines" (catch-up of a timer backlog).
 */
public final class GuestTimer {
    private final int vcpus;
    private final int tickHz;
    private final int catchUp;
    private final long giveUpTicks;
    private final boolean[] waiting;
    /** Whether vCPU v's current wait followed a wake-up from halt (else a preemption), and whether it held a tick. */
    private final boolean[] wokeFromHalt, heldInWait;
    private final long[] backlog;
    private double slotCarry;
    /** Ticks charged to each process since the last sample. */
    private final long[] ticks;
    private long lostTicks, resyncs;

    /** A timer for {@code vcpus} vCPUs and {@code processes} guest processes that gives up a backlog over {@code giveUpMicros}. */
    public GuestTimer(int vcpus, int tickHz, int catchUp, long giveUpMicros, int processes) {
        this.vcpus = vcpus;
        this.tickHz = tickHz;
        this.catchUp = catchUp;
        this.giveUpTicks = Math.max(1, giveUpMicros * tickHz / 1_000_000);
        this.waiting = new boolean[vcpus];
        this.wokeFromHalt = new boolean[vcpus];
        this.heldInWait = new boolean[vcpus];
        this.backlog = new long[vcpus];
        this.ticks = new long[processes];
    }

    /**
     * Advances {@code dtSeconds}. Each vCPU runs guest code a fraction {@code pRun} of the time, waits for a core
     * {@code pReady} (in episodes of about {@code meanWaitTicks} ticks, a share {@code wakeShare} of them after a wake-up
     * from halt), is held in the hypervisor {@code pHeld}, and is idle the rest. Ticks go to process {@code i} with
     * probability proportional to {@code weights[i]}.
     */
    public void advance(double dtSeconds, double pRun, double pReady, double pHeld, double[] weights, double meanWaitTicks,
                        double wakeShare, Rng rng) {
        double slots = dtSeconds * tickHz + slotCarry;
        int n = (int) slots;
        slotCarry = slots - n;
        double total = 0;
        for (double w : weights) total += w;
        double busy = Math.min(1, pRun + pReady + pHeld);
        double ready = Math.min(pReady, busy);
        double heldShare = pRun + pHeld > 0 ? pHeld / (pRun + pHeld) : 0;
        double q = 1.0 / Math.max(1.0, meanWaitTicks);
        // a two-state chain over the slots: a busy slot enters a wait with p or stays in one with 1 - q, an idle slot
        // ends it; stationary, it waits x = b (p (1 - x) + (1 - q) x) of the slots (b: busy); solved for x = pReady
        double p = ready >= busy || ready >= 1 ? 1 : Math.min(1, ready * (1 - busy * (1 - q)) / (busy * (1 - ready)));
        for (int s = 0; s < n; s++) {
            for (int v = 0; v < vcpus; v++) {
                if (total > 0 && rng.nextDouble() < busy) {
                    if (waiting[v]) {
                        if (rng.nextDouble() < q) dispatch(v, weights, total, rng);
                    } else if (rng.nextDouble() < p) {
                        waiting[v] = true;
                        heldInWait[v] = false;
                        wokeFromHalt[v] = rng.nextDouble() < wakeShare;
                    }
                    if (waiting[v]) {
                        hold(v);
                        heldInWait[v] = true;
                        continue;
                    }
                    if (heldShare > 0 && rng.nextDouble() < heldShare) {
                        hold(v);
                        continue;
                    }
                    ticks[pick(weights, total, rng)] += 1 + catchUp(v);
                } else {
                    // idle: the idle loop gets the tick and what of the backlog comes with it
                    if (waiting[v]) dispatch(v, weights, total, rng);
                    catchUp(v);
                }
            }
        }
    }

    /** vCPU {@code v} leaves the ready queue: a tick it held is delivered at once and samples the state it waited in. */
    private void dispatch(int v, double[] weights, double total, Rng rng) {
        waiting[v] = false;
        boolean held = heldInWait[v];
        heldInWait[v] = false;
        if (!held || backlog[v] == 0) return;
        backlog[v]--;
        if (!wokeFromHalt[v] && total > 0) ticks[pick(weights, total, rng)]++;
    }

    private void hold(int v) {
        if (++backlog[v] > giveUpTicks) {
            lostTicks += backlog[v];
            backlog[v] = 0;
            resyncs++;
        }
    }

    /** Delivers up to {@code catchUp} held ticks of vCPU {@code v} with the current one; returns how many. */
    private long catchUp(int v) {
        long d = Math.min(backlog[v], catchUp);
        backlog[v] -= d;
        return d;
    }

    private static int pick(double[] weights, double total, Rng rng) {
        double x = rng.nextDouble() * total;
        for (int i = 0; i < weights.length - 1; i++) {
            x -= weights[i];
            if (x < 0) return i;
        }
        return weights.length - 1;
    }

    /** Ticks charged to process {@code p} since the last {@link #reset}. */
    public long ticks(int p) { return ticks[p]; }

    /** Ticks dropped so far because a backlog outgrew the give-up limit. */
    public long lostTicks() { return lostTicks; }

    /** Times a backlog was dropped and the guest clock resynchronised. */
    public long resyncs() { return resyncs; }

    /** Clears the per-sample tick counts. */
    public void reset() { java.util.Arrays.fill(ticks, 0); }
}
