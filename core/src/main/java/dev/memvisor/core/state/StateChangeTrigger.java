package dev.memvisor.core.state;

import dev.memvisor.core.model.HostMemoryState;
import dev.memvisor.core.model.MemoryThresholds;

/**
 * Says when a controller should re-run its policy between control intervals: whenever the host
 * memory state, followed with {@link HostStateMachine}'s hysteresis, changes. A controller feeds it
 * free memory as often as it can observe it (cheaply, every step) and decides again on a change, so
 * a host that falls to hard or low reacts at once rather than at the next interval, while the
 * hysteresis keeps a host hovering near a threshold from re-deciding at every observation.
 * Source: Waldspurger, OSDI 2002, section 6.1 (states by free memory with hysteresis); ESX
 * rebalances periodically and on large changes in free memory.
 */
public final class StateChangeTrigger {
    private final HostStateMachine machine;

    /** A trigger starting in the high state. */
    public StateChangeTrigger(MemoryThresholds thresholds) {
        this.machine = new HostStateMachine(thresholds);
    }

    /** A trigger starting in the high state, with the thresholds of the machine memory each observation gives. */
    public StateChangeTrigger(java.util.function.LongFunction<MemoryThresholds> thresholdsFor) {
        this.machine = new HostStateMachine(thresholdsFor);
    }

    /** Feeds free memory; returns whether the state differs from the one the previous call left. */
    public boolean changed(long freeBytes, long machineBytes) {
        HostMemoryState before = machine.state();
        return machine.update(freeBytes, machineBytes) != before;
    }

    /** The state after the last call. */
    public HostMemoryState state() { return machine.state(); }
}
