package dev.memvisor.core.state;

import dev.memvisor.core.InvalidSettingException;
import dev.memvisor.core.model.HostMemoryState;
import dev.memvisor.core.model.MemoryThresholds;

import java.util.Arrays;
import java.util.Locale;

/**
 * Which host memory states a host has, where their thresholds come from and what each state lets
 * the host do: the policy setting {@code memoryStates}.
 */
public enum MemoryStateModel {
    /** Classic ESX: four states at the thresholds as set (6, 4, 2, 1 % of machine memory by default; Waldspurger, OSDI 2002). */
    CLASSIC,
    /** ESX 5: four states scaled from minFree (high 100 %, soft 64 %, hard 32 %, low 16 %; vSphere 5 Resource Management guide). */
    ESXI5,
    /**
     * ESXi 6.0 and later: five states scaled from minFree (high 400 %, clear 100 %, soft 64 %, hard 32 %, low 16 %),
     * and what each does as Epping's table has it: clear = sharing (actively); soft = sharing + balloon; hard =
     * sharing + compression + swap, the balloon stops; low = compression + swap + blocking. Source: Duncan Epping,
     * "What happens at which vSphere memory state?", Yellow Bricks, 2015.
     */
    ESXI6;

    /** The setting's value: {@code classic}, {@code esxi5} or {@code esxi6}. */
    public String key() { return name().toLowerCase(Locale.ROOT); }

    /** The model a setting names; throws naming the setting and the values allowed. */
    public static MemoryStateModel of(String key) {
        for (MemoryStateModel m : values()) if (m.key().equals(key)) return m;
        throw new InvalidSettingException("memoryStates", key,
                "one of " + String.join(", ", Arrays.stream(values()).map(MemoryStateModel::key).toList()));
    }

    /** The thresholds of a host of {@code machineBytes}: {@code classic} for the classic model, else scaled from its minFree. */
    public MemoryThresholds thresholds(MemoryThresholds classic, long machineBytes) {
        return switch (this) {
            case CLASSIC -> classic;
            case ESXI5 -> MinFreeThresholds.forMachine(machineBytes);
            case ESXI6 -> MinFreeThresholds.esxi6(machineBytes);
        };
    }

    /**
     * The host's minFree in bytes (esxtop's Kernel MinFree): classic ESX's is the high threshold (ESX 3/4's
     * Mem.MinFreePct, 6 % by default), later ESX's scales with machine memory ({@link MinFreeThresholds}).
     */
    public long minFreeBytes(MemoryThresholds classic, long machineBytes) {
        return this == CLASSIC ? Math.round(classic.high() * machineBytes) : MinFreeThresholds.minFreeBytes(machineBytes);
    }

    /** What {@code state} lets the host do under this model. */
    public ReclamationMode mode(HostMemoryState state) {
        ReclamationMode m = ReclamationMode.of(state);
        if (this != ESXI6) return m;
        // Epping: in hard the balloon stops and compression and swap take over; low does not share
        return switch (state) {
            case HARD -> new ReclamationMode(true, false, true, true, false);
            case LOW -> new ReclamationMode(false, false, true, true, true);
            default -> m;
        };
    }
}
