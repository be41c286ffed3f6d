package dev.memvisor.libvirt;

import java.util.Objects;

/**
 * One run of a libvirt domain: its name and UUID (stable across restarts) and the id libvirt gave
 * this run (a new one at every start), so a domain stopped and started again is a different run.
 *
 * @param name the domain's name
 * @param uuid the domain's UUID, lower-case with dashes
 * @param id   libvirt's id of this run (positive while the domain runs)
 */
public record DomainId(String name, String uuid, int id) {
    /** Validates the fields. */
    public DomainId {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(uuid, "uuid");
    }

    /** {@code name (uuid)} for messages. */
    @Override
    public String toString() {
        return name + " (id " + id + ", uuid " + uuid + ")";
    }
}
