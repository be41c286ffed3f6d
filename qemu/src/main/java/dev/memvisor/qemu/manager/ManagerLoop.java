package dev.memvisor.qemu.manager;

import dev.memvisor.core.control.ControlDecision;
import dev.memvisor.core.control.Controller;
import dev.memvisor.core.control.Trigger;
import dev.memvisor.core.model.VmPlan;
import dev.memvisor.core.model.VmView;
import dev.memvisor.core.policy.MemoryPolicy;
import dev.memvisor.core.policy.PolicyConfig;
import dev.memvisor.qemu.act.VirtioMemPlug;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The real manager's wall-clock driver of core's {@link Controller} over a {@link RealHost} (this
 * host's QEMUs, libvirt's domains, both, or a dry run of them): it tells the controller the time and,
 * every {@link HostConfig#stateCheckInterval()}, the free memory read cheaply from files
 * ({@link RealHost#quickFree()}); the controller says when to decide (its
 * interval schedule, which skips deadlines missed during a stall, or a host memory state change).
 * Between polls it waits on the stop flag, so a SIGTERM handler that sets it and notifies ends the
 * wait at once. Each decision becomes a {@link Decision} for the log, the metrics and tests.
 */
public final class ManagerLoop implements AutoCloseable {
    private final HostConfig config;
    private final RealHost host;
    private final Controller controller;
    private final Consumer<Decision> decisions;
    private final Consumer<String> events;
    private final long startNanos = System.nanoTime();
    private long lastCpuNanos = processCpuNanos();
    private String lastCheckError;
    private String lastDecisionError;
    private final Map<String, String> reportedFailures = new HashMap<>();
    private final Set<String> bounded = new HashSet<>();
    private final Map<String, VirtioMemPlug.Change> reportedPlugs = new HashMap<>();

    /**
     * A manager of the configured VMs with this policy; its bounds and state thresholds come from
     * {@code policyConfig} (those the policy was made with).
     *
     * @param decisions receives every {@link Decision}, at intervals and on state changes (the log, metrics, tests)
     * @param events    receives one line per notable event: a VM connected, lost or failing, an action refused, and why
     */
    public ManagerLoop(HostConfig config, MemoryPolicy policy, PolicyConfig policyConfig, HostPaths paths,
                       Consumer<Decision> decisions, Consumer<String> events) {
        this(config, policy, policyConfig, new QemuHost(config, paths, events), decisions, events);
    }

    /**
     * A manager of {@code host} with this policy; the loop owns the host from now on (closing the
     * loop closes it) and takes its interval and state check interval from {@code config}.
     */
    public ManagerLoop(HostConfig config, MemoryPolicy policy, PolicyConfig policyConfig, RealHost host,
                       Consumer<Decision> decisions, Consumer<String> events) {
        this.config = config;
        this.decisions = decisions;
        this.events = events;
        this.host = host;
        this.controller = Controller.of(policy, policyConfig, config.interval().toMillis(), 0);
        host.onReconnect(controller::forget);
        if (policy.name().equals("psi") && !config.cgroups()) {
            events.accept("policy psi: its limits are carried by the VMs' memory cgroups, and its pressure comes from a cgroup of each VM's"
                    + " own; with cgroups: false it can only observe (set cgroups: true)");
        }
    }

    /** The host the loop decides for. */
    public RealHost host() { return host; }

    /** Core's control loop this driver runs (built by {@link Controller#of}, as every adapter's). */
    public Controller controller() { return controller; }

    /** Changes the guests' memory budget from the next decision or check on (0 = the host's MemTotal). */
    public void setBudget(long bytes) {
        host.setBudget(bytes);
    }

    /** Milliseconds since the loop was made: the time the controller and the views see. */
    long nowMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /**
     * Runs until {@code stop} is set: decides when the controller says so, checks free memory every
     * state check interval in between, and otherwise waits. A waiter notified on {@code stop} (after
     * setting it) ends the wait at once; a decision under way is finished first.
     */
    public void run(AtomicBoolean stop) {
        long every = config.stateCheckInterval().toMillis();
        long nextCheck = 0;
        while (!stop.get()) {
            long now = nowMillis();
            Optional<Trigger> due;
            if (every > 0 && now >= nextCheck) {
                due = poll(now);
                // from now, not from the missed slot: a slow decision does not cause a burst of checks
                nextCheck = now + every;
            } else {
                due = controller.pollInterval(now);
            }
            if (due.isPresent()) {
                decideLogged(due.get());
                continue;
            }
            long wakeAt = every > 0 ? Math.min(nextCheck, controller.nextIntervalMillis()) : controller.nextIntervalMillis();
            synchronized (stop) {
                if (stop.get()) break;
                try {
                    stop.wait(Math.max(1, wakeAt - nowMillis()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** The controller's answer to a cheap free-memory reading; a reading that fails is reported once and counts as no change. */
    private Optional<Trigger> poll(long now) {
        try {
            FreeMemory f = host.quickFree();
            lastCheckError = null;
            return controller.poll(now, f.freeBytes(), f.machineBytes());
        } catch (RuntimeException e) {
            String msg = "state check: " + (e.getMessage() == null ? e.toString() : e.getMessage());
            if (!msg.equals(lastCheckError)) events.accept(msg);
            lastCheckError = msg;
            return controller.pollInterval(now);
        }
    }

    /** A decision whose failure (the host unreadable, a policy error) is reported once and does not end the loop. */
    private void decideLogged(Trigger trigger) {
        try {
            decide(trigger);
            lastDecisionError = null;
        } catch (RuntimeException e) {
            String msg = "decision failed: " + (e.getMessage() == null ? e.toString() : e.getMessage());
            // a failure that is not the host's (a bug) says where it was thrown, for the report an operator sends us
            StackTraceElement at = null;
            for (StackTraceElement f : e.getStackTrace()) {
                if (f.getClassName().startsWith("dev.memvisor.")) { at = f; break; }
            }
            if (at != null && !(e instanceof dev.memvisor.qemu.qmp.QmpException)) {
                msg += " (" + e.getClass().getSimpleName() + " at " + at.getFileName() + ":" + at.getLineNumber() + ")";
            }
            if (!msg.equals(lastDecisionError)) events.accept(msg);
            lastDecisionError = msg;
        }
    }

    /** Free memory as the check between intervals reads it now (tests compare it with a full observation's). */
    FreeMemory quickFree() {
        return host.quickFree();
    }

    /** One regular decision now, off the schedule (tests, tools): observe, decide, bound, apply. */
    public Decision step() {
        return decide(Trigger.INTERVAL);
    }

    /** One decision now, marked with what caused it. */
    public Decision decide(Trigger trigger) {
        long t0 = System.nanoTime();
        host.nextObservation(trigger);
        ControlDecision cd = controller.decide(host, nowMillis(), trigger);
        Effects effects = host.effects();
        long cpu = processCpuNanos();
        Decision d = new Decision(cd, host.lastObservation(), effects, cpu - lastCpuNanos, System.nanoTime() - t0, t0, plugChanges(cd.view()));
        lastCpuNanos = cpu;
        report(d);
        decisions.accept(d);
        return d;
    }

    /** The plug changes that completed since the last decision, per VM observed (host.yaml's QEMUs and libvirt's domains; each reported once). */
    private Map<String, VirtioMemPlug.Change> plugChanges(dev.memvisor.core.model.HostView view) {
        Map<String, VirtioMemPlug.Change> out = new java.util.LinkedHashMap<>();
        for (VmView v : view.vms()) {
            VirtioMemPlug p = host.virtioMem(v.name());
            VirtioMemPlug.Change c = p == null ? null : p.last();
            if (c != null && !c.equals(reportedPlugs.get(v.name()))) {
                out.put(v.name(), c);
                reportedPlugs.put(v.name(), c);
            }
        }
        return out;
    }

    /** Reports a refused action and a plan held within its bounds when each starts, not at every decision it lasts. */
    private void report(Decision d) {
        Set<String> failing = new HashSet<>();
        for (ControlDecision.Failure f : d.failures()) {
            String key = f.action().kind() + ":" + f.action().vm();
            failing.add(key);
            String msg = (f.action().vm() == null ? "" : "vm " + f.action().vm() + ": ") + f.action().kind() + " not carried out: " + f.message();
            if (!msg.equals(reportedFailures.get(key))) events.accept(msg);
            reportedFailures.put(key, msg);
        }
        reportedFailures.keySet().retainAll(failing);
        Map<String, VmPlan> asked = d.asked().byName();
        for (VmView v : d.view().vms()) {
            VmPlan b = d.plan().vm(v.name()).orElseThrow();
            String note = controller.bounds().describe(v.settings(), asked.get(v.name()), b);
            if (note == null) {
                bounded.remove(v.name());
            } else if (bounded.add(v.name())) {
                events.accept("vm " + v.name() + ": " + note);
            }
        }
    }

    private static long processCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) return sun.getProcessCpuTime();
        return 0;
    }

    /** Disconnects from every VM, removes DAMON monitors it made and restores KSM's settings; the guests keep running. */
    @Override
    public void close() {
        host.close();
    }
}
