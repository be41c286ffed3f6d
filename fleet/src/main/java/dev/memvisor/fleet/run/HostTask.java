package dev.memvisor.fleet.run;

import java.io.Serializable;

/**
 * One host simulation, as shipped to a Spark executor: the scenario text and where relative paths resolve.
 *
 * @param policy   the policy
 * @param hosts    the candidate host count it belongs to
 * @param index    the host's number within the candidate (0-based)
 * @param name     the scenario's name in messages ({@code esx/hosts-12/host-03.yaml})
 * @param yaml     the scenario text
 * @param baseDir  folder relative paths in the scenario resolve against
 */
public record HostTask(String policy, int hosts, int index, String name, String yaml, String baseDir) implements Serializable {
    private static final long serialVersionUID = 1L;
}
