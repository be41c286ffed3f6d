package dev.memvisor.sim.bench;

import dev.memvisor.sim.scenario.Scenario;
import dev.memvisor.sim.scenario.ScenarioLoader;

import java.nio.file.Path;
import java.util.List;

/** The scenarios {@code memvisor bench} times, defined once so the figures in BENCHMARKS.md can be reproduced. */
public final class BenchScenarios {
    private BenchScenarios() {}

    /**
     * The core reference loop: one 2 GiB VM, all of its 1.8 GiB working set resident, Zipf 0.8,
     * 20 % writes, as many references as it can make ({@code seconds} simulated at 50 M refs/s).
     */
    public static Scenario coreLoop(int seconds) {
        return ScenarioLoader.parse("""
                duration: %ds
                sampleInterval: 1s
                policy: static
                host: {memory: 4G, cores: 4}
                vms:
                  - name: v
                    memory: 2G
                    workload: {workingSet: 1800M, skew: 0.8, writeFraction: 0.2, refsPerSecond: 50000000}
                """.formatted(seconds), "bench:core-loop", Path.of("."), List.of());
    }

    /**
     * The host target: 16 VMs of 2 GiB over {@code minutes} simulated minutes, each making
     * 10,000 references per simulated second, under the esx policy on a host that holds them all.
     */
    public static Scenario host16(int minutes) {
        return ScenarioLoader.parse("""
                duration: %dm
                sampleInterval: 20s
                policy: esx
                host: {memory: 40G, cores: 16}
                vms:
                  - name: vm
                    count: 16
                    memory: 2G
                    vcpus: 1
                    workload: {workingSet: 1536M, skew: 0.8, writeFraction: 0.2, refsPerSecond: 10000}
                """.formatted(minutes), "bench:host-16x2G", Path.of("."), List.of());
    }

    /**
     * A large host: 128 VMs of 8 GiB (1 TiB configured) on 1 TiB and 64 cores over {@code minutes}
     * simulated minutes, each VM as in {@link #host16} (a working set of three quarters of its memory,
     * 10,000 references per simulated second), under the esx policy; the working sets fit.
     */
    public static Scenario host128(int minutes) {
        return ScenarioLoader.parse(host128Yaml(minutes), "bench:host-128x8G", Path.of("."), List.of());
    }

    /** {@link #host128}'s scenario text, which scripts/SimBenchAB.java also hands to a build from before it. */
    public static String host128Yaml(int minutes) {
        return """
                duration: %dm
                sampleInterval: 60s
                policy: esx
                host: {memory: 1T, cores: 64}
                vms:
                  - name: vm
                    count: 128
                    memory: 8G
                    vcpus: 1
                    workload: {workingSet: 6G, skew: 0.8, writeFraction: 0.2, refsPerSecond: 10000}
                """.formatted(minutes);
    }
}
