package dev.memvisor.qemu.collect;

import java.nio.file.Path;

/** Chooses how the manager measures active memory: DAMON when it can make its own kdamonds, else referenced bits. */
public final class ActiveMemorySources {
    private ActiveMemorySources() {}

    /**
     * The source chosen and why.
     *
     * @param source the source to use
     * @param why    why DAMON is not used (empty when it is)
     */
    public record Choice(ActiveMemorySource source, String why) {
        /** The manager's log line saying which source measures active memory, and why. */
        public String logLine() {
            return "active memory: " + source.description() + (why.isEmpty() ? "" : "; DAMON not used: " + why);
        }
    }

    /**
     * DAMON under {@code damonAdmin} with one kdamond per VM aggregating over the control interval,
     * or the referenced-bit sampler over {@code procRoot} when DAMON cannot be set up.
     */
    public static Choice choose(Path damonAdmin, Path procRoot, int vms, long intervalMicros) {
        DamonActiveMemory.Attempt a = DamonActiveMemory.create(damonAdmin, vms, intervalMicros);
        if (a.monitor() != null) return new Choice(a.monitor(), "");
        return new Choice(new ReferencedBitSampler(procRoot), a.whyNot());
    }
}
