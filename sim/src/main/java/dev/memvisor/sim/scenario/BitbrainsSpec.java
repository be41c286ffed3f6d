package dev.memvisor.sim.scenario;

import dev.memvisor.core.settings.Setting;

/** {@code workload.bitbrains}: a Bitbrains GWA-T-12 VM trace that drives memory and CPU demand over time. */
public final class BitbrainsSpec {
    @Setting(value = "the N.csv.gz file; relative to the scenario file's folder", absent = Setting.REQUIRED, source = "Bitbrains GWA-T-12")
    public String file;
    @Setting(value = "trace seconds per simulated second (12 plays an hour of trace in 5 simulated minutes)", range = "(0, 100000]")
    public double timeScale = 1;
    @Setting(value = "where in the trace to start, in trace time", unit = Setting.Unit.DURATION, range = "[0, inf)")
    public String offset = "0";
}
