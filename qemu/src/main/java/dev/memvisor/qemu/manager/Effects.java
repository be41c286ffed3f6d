package dev.memvisor.qemu.manager;

import dev.memvisor.qemu.act.CgroupSetting;
import dev.memvisor.qemu.act.KsmControl;

import java.util.Map;

/**
 * What the QEMU host did to carry out one decision's actions: the QMP and sysfs side of the typed
 * actions, for the decision log and the reaction-time figures.
 *
 * @param balloonGuestBytes per VM, the value of the QMP balloon command sent (guest memory in bytes)
 * @param cgroups           per VM with a memory cgroup, what it carries after the decision
 * @param ksm               KSM's knobs after the decision, when this decision changed them (else null)
 * @param balloonSentNanos  System.nanoTime() when the last balloon command was accepted, or -1
 */
public record Effects(Map<String, Long> balloonGuestBytes, Map<String, CgroupSetting> cgroups, KsmControl.Settings ksm,
                      long balloonSentNanos) {
    /** Copies the maps, keeping their order (the configuration's). */
    public Effects {
        balloonGuestBytes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(balloonGuestBytes));
        cgroups = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(cgroups));
    }
}
