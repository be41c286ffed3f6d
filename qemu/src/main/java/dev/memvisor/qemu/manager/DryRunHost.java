package dev.memvisor.qemu.manager;

import dev.memvisor.core.control.Action;
import dev.memvisor.core.control.Trigger;
import dev.memvisor.core.model.HostView;

import java.util.function.Consumer;

/**
 * A real host that observes and decides as usual but carries out no action: every action the
 * controller sends counts as done without being carried out, so the controller records it as the
 * host's state and the decision log shows the actions exactly as a real run would send them (only
 * those that changed), while nothing a guest or the host sees changes: no balloon, no memory limit,
 * no KSM knob. {@code memvisor run --dry-run}.
 */
public final class DryRunHost implements RealHost {
    private final RealHost host;

    /** Observes through {@code host}, which is never told to act (make it without KSM and cgroups, which it would otherwise set up). */
    public DryRunHost(RealHost host) {
        this.host = host;
    }

    @Override
    public HostView observe(long nowMillis) {
        return host.observe(nowMillis);
    }

    /** Does nothing: the action stays planned. */
    @Override
    public void apply(Action action) {
        // a dry run: the decision log shows the action; nothing is carried out
    }

    @Override
    public FreeMemory quickFree() {
        return host.quickFree();
    }

    @Override
    public VmLoad quickLoad() {
        return host.quickLoad();
    }

    @Override
    public VmLoad lastLoad() {
        return host.lastLoad();
    }

    @Override
    public void nextObservation(Trigger trigger) {
        host.nextObservation(trigger);
    }

    @Override
    public Observation lastObservation() {
        return host.lastObservation();
    }

    @Override
    public Effects effects() {
        return host.effects();
    }

    @Override
    public void onReconnect(Consumer<String> listener) {
        host.onReconnect(listener);
    }

    @Override
    public void setBudget(long bytes) {
        host.setBudget(bytes);
    }

    @Override
    public void close() {
        host.close();
    }
}
