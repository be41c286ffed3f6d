package dev.memvisor.qemu.manager;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * host.yaml's settings for one libvirt domain by name ({@code libvirt.domains[]}); each one given
 * wins over what the domain says itself (memvisor's {@code <metadata>}, memtune's min_guarantee).
 *
 * @param name             the domain's name
 * @param reservationBytes the reservation, if given
 * @param limitBytes       the limit, if given
 * @param shares           low, normal, high or a number, if given
 * @param ballooning       whether the manager may inflate its balloon, if given
 */
public record DomainConfig(String name, OptionalLong reservationBytes, OptionalLong limitBytes, Optional<String> shares,
                           Optional<Boolean> ballooning) {}
