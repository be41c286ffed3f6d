package dev.memvisor.sim.scenario;

import dev.memvisor.core.settings.Setting;

/** {@code workload.trace}: a page reference trace replayed in the guest. */
public final class TraceSpec {
    @Setting("address (SPEC op address gap lines) or lirs (one block number a line)")
    public String format = "lirs";
    @Setting(value = "the trace file, gzip or plain; relative to the scenario file's folder", absent = Setting.REQUIRED)
    public String file;
    @Setting(value = "how many times the trace is replayed (its work)", range = "[1, inf)")
    public int loops = 1;
    @Setting(value = "most references read from the file (0: all)", range = "[0, inf)")
    public long maxRefs = 0;
}
