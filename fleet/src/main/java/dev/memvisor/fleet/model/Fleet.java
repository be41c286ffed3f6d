package dev.memvisor.fleet.model;

import dev.memvisor.fleet.placement.PlacementRule;
import dev.memvisor.fleet.scenario.HostScenarioYaml;
import dev.memvisor.fleet.spec.FleetFile;

import java.util.List;

/**
 * A validated fleet: its VMs, the host type as the simulator resolved it, the rule, the policies,
 * the bound and the host-count limits.
 *
 * @param file           the FLEET.yaml it was read from
 * @param vms            the VMs present in the window, in fleet order
 * @param absent         VMs left out, each with the reason (their trace does not cover the window's start)
 * @param scenarios      writes each host's scenario
 * @param window         the trace window
 * @param machineBytes   host memory
 * @param cores          host cores
 * @param overheadBytes  hypervisor memory per VM on a host
 * @param rule           placement rule
 * @param percentile     percentile of the demand rule
 * @param policies       policies to compare
 * @param slowdownBound  largest slowdown a VM may have
 * @param minHosts       fewest hosts to try
 * @param maxHosts       most hosts to try
 */
public record Fleet(FleetFile file, List<FleetVm> vms, List<String> absent, HostScenarioYaml scenarios, Window window,
                    long machineBytes, int cores, long overheadBytes, PlacementRule rule, double percentile,
                    List<String> policies, double slowdownBound, int minHosts, int maxHosts) {

    /** The size {@code vm} is packed by under the fleet's rule, with the host's per-VM overhead. */
    public long placementBytes(FleetVm vm) {
        return rule.size(vm) + overheadBytes;
    }
}
