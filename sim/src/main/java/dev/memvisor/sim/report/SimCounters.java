package dev.memvisor.sim.report;

import dev.memvisor.core.counter.Counter;
import dev.memvisor.core.counter.Scope;

import java.util.List;

/**
 * The counters of core's one catalogue ({@link Counter}: esxtop field names, batch object and counter
 * names, units) that the simulator records, in the order its outputs list them; timeseries.csv,
 * esxtop.csv and report.html name them through the catalogue, so a simulated run opens in the tools
 * that read esxtop's and {@code memvisor analyze esxtop} reads the simulator's export back.
 */
public final class SimCounters {
    private SimCounters() {}

    /** Per VM, every sample. */
    public static final List<Counter> VM = List.of(Counter.GRANT, Counter.CNSM, Counter.TCHD, Counter.SZTGT, Counter.MCTLSZ,
            Counter.MCTLTGT, Counter.SWCUR, Counter.SWTGT, Counter.SWR, Counter.SWW, Counter.SHRD, Counter.SHRDSVD, Counter.ZERO,
            Counter.ZIP, Counter.USED, Counter.RDY, Counter.SYS, Counter.SWPWT, Counter.GUEST);

    /** For the host, every sample ({@link Counter#HOST_STATE} in esxtop's Kernel State numbering, {@link Counter#stateNames()}). */
    public static final List<Counter> HOST = List.of(Counter.HOST_FREE, Counter.HOST_MINFREE, Counter.HOST_STATE,
            Counter.HOST_PSHARE_COMMON, Counter.HOST_PSHARE_SAVING, Counter.HOST_SWCUR);

    static {
        for (Counter c : VM) if (c.scope() != Scope.VM) throw new IllegalStateException(c + " is not a VM counter");
        for (Counter c : HOST) if (c.scope() != Scope.HOST) throw new IllegalStateException(c + " is not a host counter");
    }
}
