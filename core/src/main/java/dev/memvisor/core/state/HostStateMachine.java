package dev.memvisor.core.state;

import dev.memvisor.core.model.HostMemoryState;
import dev.memvisor.core.model.MemoryThresholds;

import java.util.Objects;
import java.util.function.LongFunction;

/**
 * Tracks the host memory state (high, clear when the thresholds have it, soft, hard, low) from free
 * memory against the thresholds, with hysteresis: the host drops to a lower state as soon as free
 * memory falls below that state's threshold, but climbs back one state only once free memory reaches
 * the threshold of the state above (soft -> high needs {@code high}, or soft -> clear {@code clear} and
 * clear -> high {@code high}; hard -> soft needs {@code soft}, low -> hard needs {@code hard}).
 * Source: Waldspurger, OSDI 2002, section 6.1 ("a higher threshold must be reached before
 * transitioning to a higher state"); VMware vSphere Resource Management guide, memory states.
 */
public final class HostStateMachine {
    private final LongFunction<MemoryThresholds> thresholdsFor;
    private long machineBytes = -1;
    private MemoryThresholds thresholds;
    private HostMemoryState state;

    /** Starts in the high state. */
    public HostStateMachine(MemoryThresholds thresholds) {
        this(thresholds, HostMemoryState.HIGH);
    }

    /** Starts in the given state. */
    public HostStateMachine(MemoryThresholds thresholds, HostMemoryState initial) {
        Objects.requireNonNull(thresholds, "thresholds");
        this.thresholdsFor = m -> thresholds;
        this.thresholds = thresholds;
        this.state = Objects.requireNonNull(initial, "initial");
    }

    /** Starts in the high state, with the thresholds of the machine memory each observation gives (later ESX scales them from minFree). */
    public HostStateMachine(LongFunction<MemoryThresholds> thresholdsFor) {
        this.thresholdsFor = Objects.requireNonNull(thresholdsFor, "thresholdsFor");
        this.state = HostMemoryState.HIGH;
    }

    /** The current state. */
    public HostMemoryState state() { return state; }

    /** Feeds free memory in bytes out of machine memory; returns the new state. */
    public HostMemoryState update(long freeBytes, long machineBytes) {
        if (machineBytes <= 0) throw new IllegalArgumentException("machineBytes must be > 0, got " + machineBytes);
        if (machineBytes != this.machineBytes) {
            thresholds = thresholdsFor.apply(machineBytes);
            this.machineBytes = machineBytes;
        }
        return update((double) Math.max(0, freeBytes) / machineBytes);
    }

    /** Feeds the free fraction of machine memory; returns the new state (thresholds fixed, or those of the last machine size seen). */
    public HostMemoryState update(double freeFraction) {
        if (thresholds == null) throw new IllegalStateException("thresholds depend on machine memory: feed bytes first");
        state = next(state, freeFraction, thresholds);
        return state;
    }

    /** The state without memory of the past: what a host entering from high would be in. */
    public static HostMemoryState stateless(double freeFraction, MemoryThresholds t) {
        return below(freeFraction, t);
    }

    /** One transition from {@code current} given the free fraction. */
    public static HostMemoryState next(HostMemoryState current, double freeFraction, MemoryThresholds t) {
        HostMemoryState fall = below(freeFraction, t);
        if (fall.ordinal() >= current.ordinal()) return fall; // same or lower: no hysteresis going down
        // Going up: climb while free memory reaches the threshold of the next state up.
        HostMemoryState s = current;
        while (s != HostMemoryState.HIGH && freeFraction >= entryUp(s, t)) s = up(s, t);
        return s;
    }

    /** The state above {@code s} (clear is skipped when the thresholds have none). */
    private static HostMemoryState up(HostMemoryState s, MemoryThresholds t) {
        return switch (s) {
            case LOW -> HostMemoryState.HARD;
            case HARD -> HostMemoryState.SOFT;
            case SOFT -> t.hasClear() ? HostMemoryState.CLEAR : HostMemoryState.HIGH;
            case CLEAR, HIGH -> HostMemoryState.HIGH;
        };
    }

    /** The free fraction a host in {@code s} must reach to climb to the state above. */
    private static double entryUp(HostMemoryState s, MemoryThresholds t) {
        return switch (s) {
            case CLEAR -> t.high();
            case SOFT -> t.hasClear() ? t.clear() : t.high();
            case HARD -> t.soft();
            case LOW -> t.hard();
            case HIGH -> Double.POSITIVE_INFINITY;
        };
    }

    private static HostMemoryState below(double free, MemoryThresholds t) {
        if (free < t.low()) return HostMemoryState.LOW;
        if (free < t.hard()) return HostMemoryState.HARD;
        if (free < t.soft()) return HostMemoryState.SOFT;
        if (free < t.clear()) return HostMemoryState.CLEAR;
        return HostMemoryState.HIGH;
    }
}
