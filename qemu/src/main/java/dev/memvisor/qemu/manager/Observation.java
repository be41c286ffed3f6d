package dev.memvisor.qemu.manager;

import dev.memvisor.core.model.HostView;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One observation of a real host: the view the policy decides on and what else was seen.
 *
 * @param view      the host view (VMs that could not be observed are left out)
 * @param samples   per observed VM, what was seen
 * @param errors    per managed VM that could not be observed, why
 * @param held      per VM not observed (or not managed) but alive, the memory it still holds and that still counts
 * @param unmanaged per VM the host sees but does not manage (no balloon device, refused by admission control), why
 * @param host      host-wide readings
 * @param ksmError  why KSM could not be read or set, or null
 */
public record Observation(HostView view, Map<String, VmSample> samples, Map<String, String> errors, Map<String, Long> held,
                          Map<String, String> unmanaged, HostReadings host, String ksmError) {
    /** Copies the maps, keeping their order (the host's). */
    public Observation {
        samples = Collections.unmodifiableMap(new LinkedHashMap<>(samples));
        errors = Collections.unmodifiableMap(new LinkedHashMap<>(errors));
        held = Collections.unmodifiableMap(new LinkedHashMap<>(held));
        unmanaged = Collections.unmodifiableMap(new LinkedHashMap<>(unmanaged));
    }

    /** An observation of a host that manages every VM it sees. */
    public Observation(HostView view, Map<String, VmSample> samples, Map<String, String> errors, Map<String, Long> held,
                       HostReadings host, String ksmError) {
        this(view, samples, errors, held, Map.of(), host, ksmError);
    }
}
