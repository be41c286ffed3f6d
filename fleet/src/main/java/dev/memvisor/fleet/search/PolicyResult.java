package dev.memvisor.fleet.search;

import dev.memvisor.fleet.placement.Placement;

import java.util.List;

/**
 * A policy's answer.
 *
 * @param policy    the policy
 * @param hostsNeeded the fewest hosts that met the bound, or null when none up to the maximum did
 * @param tried     every host count simulated, in the order tried
 * @param placement the VMs on the answer's hosts (null without an answer)
 */
public record PolicyResult(String policy, Integer hostsNeeded, List<Candidate> tried, Placement placement) {
    /** The candidate of the answer (null without one). */
    public Candidate answer() {
        return hostsNeeded == null ? null : tried.stream().filter(c -> c.hosts() == hostsNeeded).findFirst().orElse(null);
    }
}
