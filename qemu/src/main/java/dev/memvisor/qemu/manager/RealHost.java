package dev.memvisor.qemu.manager;

import dev.memvisor.core.control.HostAdapter;
import dev.memvisor.core.control.Trigger;

import java.util.function.Consumer;

/**
 * A real host as the manager's wall-clock loop ({@link ManagerLoop}) drives it: core's
 * {@link HostAdapter} (observe, apply) plus the cheap free-memory check between intervals, what the
 * last observation saw and what the last actions did (for the log, {@code top} and the metrics).
 * Implemented by this host's QEMUs over QMP ({@link QemuHost}), libvirt's domains (module libvirt),
 * both at once ({@link CombinedHost}), and a dry run of any of them ({@link DryRunHost}).
 */
public interface RealHost extends HostAdapter, AutoCloseable {

    /** Free memory now, from files only (no QMP, no libvirt): the check between intervals. */
    FreeMemory quickFree();

    /** What the VMs weigh now, from files only, as {@link #quickFree()} counts them (a combined host adds its groups' loads). */
    VmLoad quickLoad();

    /** What the VMs weighed at the last observation (before it: nothing). */
    VmLoad lastLoad();

    /** Says what the next observation is for: a regular interval, or a decision between intervals on a state change. */
    void nextObservation(Trigger trigger);

    /** The last observation, or null before the first. */
    Observation lastObservation();

    /** What the last decision's actions did. */
    Effects effects();

    /** Who is told the name of a VM whose past actions are unknown again (reconnected, restarted, gone): the controller forgets them. */
    void onReconnect(Consumer<String> listener);

    /** Changes the guests' memory budget from the next observation or check on (0 = the host's MemTotal). */
    void setBudget(long bytes);

    /** Disconnects, releases what the host set up (monitors, KSM's knobs put back); the guests keep running. */
    @Override
    void close();
}
