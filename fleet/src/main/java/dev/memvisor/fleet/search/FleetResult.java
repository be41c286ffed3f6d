package dev.memvisor.fleet.search;

import dev.memvisor.fleet.model.Fleet;

import java.util.List;

/**
 * A fleet run: per policy its answer, and how the run went.
 *
 * @param fleet            the fleet
 * @param firstGuess       the host count the search started from (first-fit-decreasing at the host's memory under the rule)
 * @param policies         per policy, in the order of FLEET.yaml
 * @param hostSimulations  host simulations run
 * @param wallMillis       wall time of the whole search (not deterministic)
 * @param taskMillis       sum of the host simulations' wall times: the CPU time a single-threaded simulator spent (not deterministic)
 * @param master           Spark master used
 * @param parallelism      Spark's task slots
 */
public record FleetResult(Fleet fleet, int firstGuess, List<PolicyResult> policies, int hostSimulations, long wallMillis,
                          long taskMillis, String master, int parallelism) {}
