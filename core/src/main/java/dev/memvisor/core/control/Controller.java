package dev.memvisor.core.control;

import dev.memvisor.core.model.HostMemoryState;
import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.MemoryThresholds;
import dev.memvisor.core.model.Plan;
import dev.memvisor.core.model.VmPlan;
import dev.memvisor.core.policy.MemoryPolicy;
import dev.memvisor.core.policy.PolicyConfig;
import dev.memvisor.core.state.StateChangeTrigger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * The one control loop of every host, simulated or real: observe (a {@link HostAdapter}'s
 * {@link HostView}) -> decide ({@link MemoryPolicy}) -> bound ({@link PlanBounds}) -> apply (typed
 * {@link Action}s, only those that changed). It decides at every control interval of its
 * {@link IntervalSchedule} and, between intervals, at once when the host memory state changes
 * ({@link StateChangeTrigger}, with its hysteresis). It owns no clock and no thread: its driver (the
 * simulator's step loop, the manager's wall-clock loop) tells it the time and the free memory it
 * observed, so every decision is reproducible. Source: Waldspurger, OSDI 2002, section 6.1 (ESX
 * rebalances periodically and on large changes in free memory).
 */
public final class Controller {
    private final MemoryPolicy policy;
    private final PlanBounds bounds;
    private final IntervalSchedule schedule;
    private final StateChangeTrigger stateWatch;
    private final long minBalloonStepBytes;
    /** What the host last carried out, per action key (kind + VM). */
    private final Map<String, Action> applied = new HashMap<>();
    private long decisions;
    private long stateDecisions;

    /**
     * A loop for this policy.
     *
     * @param policy              the policy that decides
     * @param bounds              the bounds every plan is held within
     * @param thresholds          the host memory state thresholds the state-change trigger follows (the policy's own)
     * @param intervalMillis      the control interval
     * @param firstMillis         when the first regular decision is due
     * @param minBalloonStepBytes a balloon change smaller than this is not sent (0 sends every change)
     */
    public Controller(MemoryPolicy policy, PlanBounds bounds, MemoryThresholds thresholds, long intervalMillis,
                      long firstMillis, long minBalloonStepBytes) {
        this(policy, bounds, m -> thresholds, intervalMillis, firstMillis, minBalloonStepBytes);
    }

    /** As the constructor above, with the thresholds of the machine memory each observation gives (later ESX scales them from minFree). */
    public Controller(MemoryPolicy policy, PlanBounds bounds, LongFunction<MemoryThresholds> thresholds, long intervalMillis,
                      long firstMillis, long minBalloonStepBytes) {
        if (minBalloonStepBytes < 0) throw new IllegalArgumentException("minBalloonStepBytes < 0: " + minBalloonStepBytes);
        this.policy = policy;
        this.bounds = bounds;
        this.schedule = new IntervalSchedule(intervalMillis, firstMillis);
        this.stateWatch = new StateChangeTrigger(thresholds);
        this.minBalloonStepBytes = minBalloonStepBytes;
    }

    /**
     * The controller of every host adapter for a policy made with {@code config}: the bounds and the
     * state thresholds come from the same config, and every balloon change is sent (a host with a
     * coarser balloon, such as QEMU's, rounds where it carries the action out). One factory, so the
     * simulator and a real host cannot drift apart in how they bound and act.
     */
    public static Controller of(MemoryPolicy policy, PolicyConfig config, long intervalMillis, long firstMillis) {
        return new Controller(policy, new PlanBounds(config.maxBalloonFraction()), config::thresholdsFor, intervalMillis, firstMillis, 0);
    }

    /**
     * Feeds free memory observed at {@code nowMillis} and says whether a decision is due: the regular
     * interval (missed intervals are skipped), else a change of the host memory state.
     */
    public Optional<Trigger> poll(long nowMillis, long freeBytes, long machineBytes) {
        boolean interval = schedule.due(nowMillis);
        // the watch sees every observation, whether or not an interval is due, so its hysteresis follows free memory
        boolean changed = machineBytes > 0 && stateWatch.changed(freeBytes, machineBytes);
        if (interval) return Optional.of(Trigger.INTERVAL);
        return changed ? Optional.of(Trigger.STATE) : Optional.empty();
    }

    /** Says whether a regular decision is due at {@code nowMillis}, without a free-memory observation. */
    public Optional<Trigger> pollInterval(long nowMillis) {
        return schedule.due(nowMillis) ? Optional.of(Trigger.INTERVAL) : Optional.empty();
    }

    /** When the next regular decision is due. */
    public long nextIntervalMillis() { return schedule.nextMillis(); }

    /** The host memory state the state-change trigger is in. */
    public HostMemoryState watchedState() { return stateWatch.state(); }

    /** The bounds this loop holds plans within. */
    public PlanBounds bounds() { return bounds; }

    /** The policy. */
    public MemoryPolicy policy() { return policy; }

    /** Decisions taken so far, and how many of them a state change triggered. */
    public long decisions() { return decisions; }

    /** Decisions a state change between intervals triggered. */
    public long stateDecisions() { return stateDecisions; }

    /**
     * One pass: observes the host, asks the policy, bounds the plan, sends the actions that changed
     * and records which the host carried out. An action that fails is sent again at the next decision.
     */
    public ControlDecision decide(HostAdapter host, long nowMillis, Trigger trigger) {
        HostView view = host.observe(nowMillis);
        // a full observation also feeds the watch, so its state follows what decisions see
        if (view.machineBytes() > 0) stateWatch.changed(view.freeBytes(), view.machineBytes());
        Plan asked = policy.decide(view);
        Plan bounded = bounds.bound(view, asked);
        List<Action> actions = changes(bounded);
        List<ControlDecision.Failure> failures = new ArrayList<>();
        for (Action a : actions) {
            try {
                host.apply(a);
                applied.put(key(a), a);
            } catch (RuntimeException e) {
                applied.remove(key(a));
                failures.add(new ControlDecision.Failure(a, e.getMessage() == null ? e.toString() : e.getMessage()));
            }
        }
        decisions++;
        if (trigger == Trigger.STATE) stateDecisions++;
        return new ControlDecision(nowMillis, trigger, view, asked, bounded, actions, failures);
    }

    /** Forgets what was carried out for this VM (it restarted or reconnected), so the next decision sends everything again. */
    public void forget(String vm) {
        applied.values().removeIf(a -> vm.equals(a.vm()));
    }

    /** The actions of a bounded plan that differ from what the host last carried out. */
    List<Action> changes(Plan bounded) {
        List<Action> out = new ArrayList<>();
        for (VmPlan p : bounded.vms()) {
            // plugging first: a guest that grows gets its memory before its balloon moves
            if (p.pluggedTargetBytes() != VmPlan.KEEP) {
                Action g = new Action.Plug(p.name(), p.pluggedTargetBytes());
                if (!g.equals(applied.get(key(g)))) out.add(g);
            }
            Action b = new Action.Balloon(p.name(), p.balloonTargetBytes());
            Action last = applied.get(key(b));
            if (last == null || balloonMoved(((Action.Balloon) last).balloonBytes(), p.balloonTargetBytes())) out.add(b);
            Action r = new Action.HostReclaim(p.name(), p.targetBytes(), p.swapTargetBytes(), p.compressionAllowed(), p.blockAllocations(),
                    p.throttle());
            if (!r.equals(applied.get(key(r)))) out.add(r);
        }
        Action s = new Action.SharingRate(bounded.sharingScanPagesPerSecond());
        if (!s.equals(applied.get(key(s)))) out.add(s);
        return out;
    }

    private boolean balloonMoved(long was, long now) {
        if (was == now) return false;
        // a full deflation is always sent, however small the step
        return now == 0 || Math.abs(now - was) >= minBalloonStepBytes;
    }

    private static String key(Action a) {
        return a.vm() == null ? a.kind() : a.kind() + ":" + a.vm();
    }
}
