package dev.memvisor.sim.scenario;

import dev.memvisor.core.settings.Setting;

/** The hypervisor's per-VM compression cache (ESX 4.1+). */
public final class CompressionSpec {
    @Setting("pages are compressed before they are swapped, when the plan allows it")
    public boolean enabled = true;
    @Setting(value = "fraction of pages that shrink to 2 KB or less and so are kept compressed", range = "[0, 1]")
    public double compressibleFraction = 0.5;
    @Setting(value = "largest compression cache, fraction of the VM's configured memory", range = "[0, 1]", source = "ESX: 10 %")
    public double maxFraction = 0.10;
    @Setting(value = "cost of decompressing one page on access", unit = Setting.Unit.DURATION, range = "[0, inf)")
    public String latency = "20us";
}
