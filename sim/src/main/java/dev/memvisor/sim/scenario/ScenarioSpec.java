package dev.memvisor.sim.scenario;

import dev.memvisor.core.settings.Setting;
import dev.memvisor.settings.PolicySettings;

import java.util.ArrayList;
import java.util.List;

/**
 * The scenario file's root, as written: every field has its default here and its meaning and range in
 * its {@link Setting} (the reference configuration, docs/configuration.md); {@link ScenarioLoader}
 * binds YAML onto it and {@link ScenarioValidator} checks what spans several fields.
 */
public final class ScenarioSpec {
    @Setting("seed of every random choice; the same scenario and seed give byte-identical outputs")
    public long seed = 1;
    @Setting(value = "simulated time to run", unit = Setting.Unit.DURATION, range = "[1us, inf)")
    public String duration = "10m";
    @Setting(value = "simulated time between two recorded samples; a multiple of step, at most the duration",
            unit = Setting.Unit.DURATION, range = "[1us, inf)")
    public String sampleInterval = "20s";
    @Setting(value = "time step of the main loop (CPU scheduling and page references are interleaved per step)",
            unit = Setting.Unit.DURATION, range = "[1ms, 10s]")
    public String step = "100ms";
    @Setting("the memory policy and its parameters, the same block as in host.yaml")
    public PolicySettings policy = PolicySettings.defaults();
    @Setting("the simulated host")
    public HostSpec host = new HostSpec();
    @Setting("the VMs; an entry with count > 1 stands for that many identical VMs")
    public List<VmSpec> vms = new ArrayList<>();
}
