package dev.memvisor.qemu.manager;

import dev.memvisor.core.model.HostMemoryState;
import dev.memvisor.core.model.MemoryThresholds;
import dev.memvisor.core.state.StateChangeTrigger;
import dev.memvisor.qemu.collect.MemInfo;
import dev.memvisor.qemu.collect.ResidentMemory;

import java.nio.file.Path;
import java.util.List;

/**
 * Watches the host's free memory between control intervals, cheaply, and says when the host memory
 * state changes (core's {@link StateChangeTrigger}, with its hysteresis), so the manager can decide at
 * once instead of at the next interval. Free memory is computed as a full collection does, from files
 * only (no QMP): with a budget, the budget less each observed VM's resident memory (/proc/PID/statm,
 * less its last KSM profit, at most its last balloon actual); without one, /proc/meminfo MemAvailable.
 * Source: ESX rebalances "periodically and on large changes in free memory" (Waldspurger, OSDI 2002, 6.1).
 */
final class StateWatch {
    private final StateChangeTrigger trigger;
    private final Path procRoot;

    StateWatch(MemoryThresholds thresholds, Path procRoot) {
        this.trigger = new StateChangeTrigger(thresholds);
        this.procRoot = procRoot;
    }

    /** Feeds what a full collection saw, so the watch's state follows the decisions' own view. */
    void collected(long freeBytes, long machineBytes) {
        if (machineBytes > 0) trigger.changed(freeBytes, machineBytes);
    }

    /**
     * Reads free memory cheaply and feeds it to the trigger.
     *
     * @return whether the host memory state changed since the previous observation
     */
    boolean check(long budgetBytes, List<ManagedVm> vms) {
        Free f = read(budgetBytes, vms);
        return f.machineBytes() > 0 && trigger.changed(f.freeBytes(), f.machineBytes());
    }

    /** Free memory and the memory it is a part of, as a check reads them now (without feeding the trigger). */
    Free read(long budgetBytes, List<ManagedVm> vms) {
        return budgetBytes > 0 ? Free.ofBudget(budgetBytes, usedByGuests(vms)) : Free.ofHost(MemInfo.read(procRoot));
    }

    /** Free bytes out of machine bytes (the budget, or MemTotal), as a collection or a state check sees them. */
    record Free(long freeBytes, long machineBytes) {
        /** With a budget: what the guests do not use of it. */
        static Free ofBudget(long budgetBytes, long usedByGuestsBytes) {
            return new Free(Math.max(0, budgetBytes - usedByGuestsBytes), budgetBytes);
        }

        /** Without one: the host's MemAvailable out of MemTotal. */
        static Free ofHost(MemInfo mem) {
            return new Free(Math.max(0, mem.availableBytes()), mem.totalBytes());
        }
    }

    /** The host memory state after the last observation. */
    HostMemoryState state() {
        return trigger.state();
    }

    /** What the observed VMs consume now, as ControlLoop's collection counts it (its "consumed"), from statm. */
    long usedByGuests(List<ManagedVm> vms) {
        long used = 0;
        for (ManagedVm vm : vms) {
            if (!vm.observed) continue;
            if (vm.pid <= 0) {
                used += vm.lastActualBytes;
                continue;
            }
            long rss = ResidentMemory.bytes(procRoot, vm.pid);
            // a process gone since the last collection uses nothing; the next collection reports it
            if (rss >= 0) used += ManagedVm.consumedBytes(vm.lastActualBytes, rss, vm.lastKsmProfitBytes);
        }
        return used;
    }
}
