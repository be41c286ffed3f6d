package dev.memvisor.core.model;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A policy's decision for the whole host: the memory state, the page-sharing scan rate and a
 * {@link VmPlan} per VM in the order of the {@link HostView}.
 *
 * @param timeMillis               the decision time, copied from the view
 * @param state                    the host memory state the policy saw
 * @param sharingScanPagesPerSecond pages per second the page-sharing scanner should scan (0 = off)
 * @param vms                      one plan per VM
 */
public record Plan(long timeMillis, HostMemoryState state, long sharingScanPagesPerSecond, List<VmPlan> vms) {

    /** Copies the VM list. */
    public Plan {
        vms = List.copyOf(vms);
        if (sharingScanPagesPerSecond < 0) throw new IllegalArgumentException("sharingScanPagesPerSecond < 0");
    }

    /** The plan for the VM of this name, if any. */
    public Optional<VmPlan> vm(String name) {
        return vms.stream().filter(v -> v.name().equals(name)).findFirst();
    }

    /** The plans by VM name. */
    public Map<String, VmPlan> byName() {
        return vms.stream().collect(Collectors.toMap(VmPlan::name, Function.identity(), (a, b) -> a,
                java.util.LinkedHashMap::new));
    }
}
