package dev.memvisor.sim.scenario;

import dev.memvisor.core.settings.Setting;

/** One workload phase: its standalone duration and what changes; an empty field keeps the workload's value. */
public final class PhaseSpec {
    @Setting(value = "how long the phase takes standalone (its work is this times refsPerSecond)", unit = Setting.Unit.DURATION,
            range = "[1us, inf)", absent = Setting.REQUIRED)
    public String duration;
    @Setting(value = "working set during the phase", unit = Setting.Unit.BYTES, range = "[4K, 4T]", absent = "the workload's")
    public String workingSet;
    @Setting(value = "Zipf skew during the phase", range = "[0, 5]", absent = "the workload's")
    public Double skew;
    @Setting(value = "write fraction during the phase", range = "[0, 1]", absent = "the workload's")
    public Double writeFraction;
    @Setting(value = "references per second during the phase (0: an idle phase that only lets time pass)", range = "[0, 1000000000]",
            absent = "the workload's")
    public Long refsPerSecond;
    @Setting(value = "vCPUs kept busy during the phase; at most vcpus", range = "[0, inf)", absent = "the workload's")
    public Double cpu;
}
