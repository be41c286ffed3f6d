package dev.memvisor.fleet.placement;

import dev.memvisor.fleet.model.FleetVm;

import java.util.List;

/**
 * VMs assigned to hosts.
 *
 * @param hosts         per host its VMs, in fleet order (hosts left empty are dropped)
 * @param capacityBytes the bin capacity the packing needed (above the host's memory: overcommit under the rule)
 */
public record Placement(List<List<FleetVm>> hosts, long capacityBytes) {}
