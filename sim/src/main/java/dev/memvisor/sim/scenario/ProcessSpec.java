package dev.memvisor.sim.scenario;

import dev.memvisor.core.settings.Setting;

/** A guest process that uses CPU but no simulated memory (an antivirus scan, a web server's workers). */
public final class ProcessSpec {
    @Setting(value = "process name as the guest's accounting shows it; unique, not app or _Total", absent = Setting.REQUIRED)
    public String name;
    @Setting(value = "vCPUs it keeps busy; at most vcpus", range = "[0, inf)")
    public double cpu = 0.5;
    @Setting(value = "disk and network I/Os a second it makes, each costing the host host.ioCpu", range = "[0, inf)")
    public double ioPerSecond = 0;
}
