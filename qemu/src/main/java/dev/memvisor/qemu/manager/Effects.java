package dev.memvisor.qemu.manager;

import dev.memvisor.qemu.act.CgroupSetting;
import dev.memvisor.qemu.act.KsmControl;
import dev.memvisor.qemu.act.ZswapControl;

import java.util.Map;

/**
 * What the QEMU host did to carry out one decision's actions: the QMP and sysfs side of the typed
 * actions, for the decision log and the reaction-time figures.
 *
 * @param balloonGuestBytes per VM, the value of the QMP balloon command sent (guest memory in bytes)
 * @param cgroups           per VM with a memory cgroup, what it carries after the decision
 * @param ksm               KSM's knobs after the decision, when this decision changed them (else null)
 * @param balloonSentNanos  System.nanoTime() when the last balloon command was accepted, or -1
 * @param pluggedRequested  per VM, the requested-size sent to its virtio-mem device by this decision
 * @param zswap             zswap's knobs after the decision when the manager drives it (else null)
 * @param zswapMax          per VM with a cgroup v2, its memory.zswap.max after the decision
 */
public record Effects(Map<String, Long> balloonGuestBytes, Map<String, CgroupSetting> cgroups, KsmControl.Settings ksm,
                      long balloonSentNanos, Map<String, Long> pluggedRequested, ZswapControl.Settings zswap, Map<String, Long> zswapMax) {
    /** Copies the maps, keeping their order (the configuration's). */
    public Effects {
        balloonGuestBytes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(balloonGuestBytes));
        cgroups = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(cgroups));
        pluggedRequested = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(pluggedRequested));
        zswapMax = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(zswapMax));
    }

    /** Effects without plugging or zswap. */
    public Effects(Map<String, Long> balloonGuestBytes, Map<String, CgroupSetting> cgroups, KsmControl.Settings ksm, long balloonSentNanos) {
        this(balloonGuestBytes, cgroups, ksm, balloonSentNanos, Map.of(), null, Map.of());
    }
}
