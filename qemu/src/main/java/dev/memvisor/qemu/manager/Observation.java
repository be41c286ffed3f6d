package dev.memvisor.qemu.manager;

import dev.memvisor.core.model.HostView;

import java.util.Map;

/**
 * One observation of the QEMU host: the view the policy decides on and what else was seen.
 *
 * @param view     the host view (VMs that could not be observed are left out)
 * @param samples  per observed VM, what was seen
 * @param errors   per VM that could not be observed, why
 * @param held     per VM not observed but alive, the memory it still holds and that still counts
 * @param host     host-wide readings
 * @param ksmError why KSM could not be read or set, or null
 */
public record Observation(HostView view, Map<String, VmSample> samples, Map<String, String> errors, Map<String, Long> held,
                          HostReadings host, String ksmError) {
    /** Copies the maps, keeping their order (the configuration's). */
    public Observation {
        samples = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(samples));
        errors = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(errors));
        held = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(held));
    }
}
