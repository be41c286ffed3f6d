package dev.memvisor.libvirt.manager;

import dev.memvisor.core.InvalidSettingException;
import dev.memvisor.core.model.VmSettings;
import dev.memvisor.core.unit.Size;
import dev.memvisor.libvirt.MemTune;
import dev.memvisor.libvirt.MemvisorMetadata;
import dev.memvisor.qemu.manager.DomainConfig;
import dev.memvisor.qemu.manager.VmConfig;

import java.util.Optional;

/**
 * A libvirt domain's ESX-style memory settings, each from the first place that gives it: host.yaml's
 * {@code libvirt.domains[]} entry for the domain's name, then memvisor's {@code <metadata>} in the
 * domain's XML, then the domain itself (its memory; memtune's {@code min_guarantee} as the
 * reservation where the driver has it, which QEMU's does not), then ESX's defaults (no reservation,
 * the limit at the configured memory, normal shares, ballooning on).
 */
final class DomainSettings {
    private DomainSettings() {}

    /**
     * The settings of domain {@code name}, whose memory is {@code configuredBytes}.
     *
     * @param yaml     host.yaml's entry for it, if any
     * @param metadata memvisor's metadata in its XML ({@link MemvisorMetadata#NONE} when none)
     * @param tune     its memtune as libvirt reports it (min_guarantee ABSENT on QEMU)
     * @throws IllegalArgumentException naming the setting, where it came from and what it conflicts with
     */
    static VmSettings resolve(String name, long configuredBytes, Optional<DomainConfig> yaml, MemvisorMetadata metadata, MemTune tune) {
        Sourced reservation = new Sourced(0, "default");
        if (tune.minGuaranteeBytes() > 0 && tune.minGuaranteeBytes() != MemTune.UNLIMITED) {
            reservation = new Sourced(tune.minGuaranteeBytes(), "memtune min_guarantee");
        }
        if (metadata.reservationBytes().isPresent()) reservation = new Sourced(metadata.reservationBytes().getAsLong(), "<metadata>");
        if (yaml.isPresent() && yaml.get().reservationBytes().isPresent()) {
            reservation = new Sourced(yaml.get().reservationBytes().getAsLong(), "host.yaml libvirt.domains");
        }
        Sourced limit = new Sourced(configuredBytes, "the domain's memory");
        if (metadata.limitBytes().isPresent()) limit = new Sourced(metadata.limitBytes().getAsLong(), "<metadata>");
        if (yaml.isPresent() && yaml.get().limitBytes().isPresent()) limit = new Sourced(yaml.get().limitBytes().getAsLong(), "host.yaml libvirt.domains");
        String shares = yaml.flatMap(DomainConfig::shares).or(metadata::shares).orElse("normal");
        boolean ballooning = yaml.flatMap(DomainConfig::ballooning).or(metadata::ballooning).orElse(true);
        if (limit.bytes > configuredBytes) {
            throw new IllegalArgumentException("limit " + Size.format(limit.bytes) + " (" + limit.from + ") exceeds the domain's memory "
                    + Size.format(configuredBytes));
        }
        if (reservation.bytes > limit.bytes) {
            throw new IllegalArgumentException("reservation " + Size.format(reservation.bytes) + " (" + reservation.from + ") exceeds the limit "
                    + Size.format(limit.bytes) + " (" + limit.from + ")");
        }
        try {
            return new VmSettings(name, configuredBytes, reservation.bytes, limit.bytes, VmConfig.shares(name, shares, configuredBytes), ballooning);
        } catch (InvalidSettingException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** A size and where it came from, for messages. */
    private record Sourced(long bytes, String from) {}
}
