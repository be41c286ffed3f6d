package dev.memvisor.sim.scenario;

import java.util.ArrayList;
import java.util.List;

/**
 * The scenario file's root, as written: every field has its default here (the reference
 * configuration); {@link ScenarioLoader} binds YAML onto it and {@link ScenarioValidator} checks it.
 */
public final class ScenarioSpec {
    /** Seed of every random choice; the same scenario and seed give byte-identical outputs. */
    public long seed = 1;
    /** Simulated time to run, e.g. {@code 10m}, {@code 1h}, {@code 90s}. */
    public String duration = "10m";
    /** Simulated time between two recorded samples. */
    public String sampleInterval = "20s";
    /** Simulated time step of the main loop (CPU scheduling and page references are interleaved per step). */
    public String step = "100ms";
    /** The host. */
    public HostSpec host = new HostSpec();
    /** The VMs; an entry with {@code count > 1} stands for that many identical VMs. */
    public List<VmSpec> vms = new ArrayList<>();
}
