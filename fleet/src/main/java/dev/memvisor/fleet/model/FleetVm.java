package dev.memvisor.fleet.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One VM of the fleet, resolved: the sizes placement packs by and its entry in a host scenario.
 *
 * @param name             the VM's name (unique in the fleet)
 * @param order            position in the fleet (placement ties and a host's VM order follow it)
 * @param configuredBytes  configured memory
 * @param reservationBytes reservation
 * @param demandBytes      memory demand (a percentile of the trace's memory used, or the entry's {@code demand})
 * @param vcpus            virtual CPUs
 * @param scenarioVm       the VM's mapping in a host scenario's {@code vms} list
 * @param entryKey         the FLEET.yaml entry it comes from ({@code vms[2]}), for messages
 */
public record FleetVm(String name, int order, long configuredBytes, long reservationBytes, long demandBytes, int vcpus,
                      ObjectNode scenarioVm, String entryKey) {}
