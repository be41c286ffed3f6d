package dev.memvisor.density.mix;

import dev.memvisor.core.policy.PolicyConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A density mix resolved: sizes in bytes, the guests expanded in start order with their schedules.
 *
 * @param name          what reports call it
 * @param file          the file it was read from
 * @param policyConfig  the parameters every policy runs with
 * @param policyBlock   the file's policy block as written (after --set), for the simulator's scenario
 * @param hostBytes     the host's size for the experiment (parent cgroup limit, manager budget, simulated machine memory)
 * @param overheadBytes per-guest overhead the policies set aside
 * @param swapBytes     size of the host swap file
 * @param cores         cores of the simulated host
 * @param reclaim       the simulated host's reclaim, or null for the policy's hypervisor's
 * @param storage       the simulated host's storage device as the file sets it, or null for the simulator's default
 * @param interval      the manager's (and the simulated host's) control interval
 * @param step          how long one schedule entry lasts
 * @param warmup        from a guest's start to the window
 * @param window        the measurement window
 * @param guests        the guests in start order
 */
public record Mix(String name, Path file, PolicyConfig policyConfig, com.fasterxml.jackson.databind.node.ObjectNode policyBlock, long hostBytes, long overheadBytes, long swapBytes, int cores,
                  dev.memvisor.sim.hypervisor.HostReclaim reclaim, dev.memvisor.sim.scenario.StorageSpec storage, Duration interval, Duration step, Duration warmup, Duration window, List<MixGuest> guests) {
    /** Copies the list. */
    public Mix {
        guests = List.copyOf(guests);
    }

    /** A copy with only the first {@code n} guests. */
    public Mix first(int n) {
        return new Mix(name, file, policyConfig, policyBlock, hostBytes, overheadBytes, swapBytes, cores, reclaim, storage, interval, step, warmup, window,
                guests.subList(0, Math.min(n, guests.size())));
    }
}
