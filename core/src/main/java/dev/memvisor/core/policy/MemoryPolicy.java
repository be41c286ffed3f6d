package dev.memvisor.core.policy;

import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.Plan;

/**
 * A host memory policy: from what the host looks like now, the targets for every VM. A policy may
 * keep state between calls (hysteresis, step limits) but is deterministic given the same sequence
 * of views. Implementations carry a {@link PolicyName} and are registered in {@link PolicyRegistry}.
 */
public interface MemoryPolicy {

    /** Decides the plan for this view. */
    Plan decide(HostView view);

    /** The policy's registered name, read from its {@link PolicyName} annotation. */
    default String name() {
        PolicyName n = getClass().getAnnotation(PolicyName.class);
        return n == null ? getClass().getSimpleName() : n.value();
    }
}
