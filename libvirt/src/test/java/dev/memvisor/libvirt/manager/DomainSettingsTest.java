package dev.memvisor.libvirt.manager;

import dev.memvisor.core.model.VmSettings;
import dev.memvisor.libvirt.MemTune;
import dev.memvisor.libvirt.MemvisorMetadata;
import dev.memvisor.qemu.manager.DomainConfig;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each setting of a domain from the first place that gives it: host.yaml, memvisor's metadata, memtune, ESX's defaults. */
class DomainSettingsTest {
    private static final long MIB = 1L << 20;
    private static final long MEMORY = 1024 * MIB;

    private static Optional<DomainConfig> yaml(Long reservation, Long limit, String shares, Boolean ballooning) {
        return Optional.of(new DomainConfig("web", reservation == null ? OptionalLong.empty() : OptionalLong.of(reservation),
                limit == null ? OptionalLong.empty() : OptionalLong.of(limit), Optional.ofNullable(shares), Optional.ofNullable(ballooning)));
    }

    private static MemvisorMetadata metadata(Long reservation, Long limit, String shares, Boolean ballooning) {
        return new MemvisorMetadata(Optional.ofNullable(shares), reservation == null ? OptionalLong.empty() : OptionalLong.of(reservation),
                limit == null ? OptionalLong.empty() : OptionalLong.of(limit), Optional.ofNullable(ballooning));
    }

    @Test
    void nothingGivenIsEsxsDefaults() {
        VmSettings s = DomainSettings.resolve("web", MEMORY, Optional.empty(), MemvisorMetadata.NONE, MemTune.UNCHANGED);
        assertThat(s).isEqualTo(VmSettings.of("web", MEMORY));
    }

    @Test
    void eachSettingComesFromTheFirstPlaceThatGivesIt() {
        MemTune guarantee = MemTune.UNCHANGED.withMinGuarantee(100 * MIB);
        assertThat(DomainSettings.resolve("web", MEMORY, Optional.empty(), MemvisorMetadata.NONE, guarantee).reservationBytes())
                .as("memtune min_guarantee, where the driver has it").isEqualTo(100 * MIB);
        assertThat(DomainSettings.resolve("web", MEMORY, Optional.empty(), metadata(200 * MIB, null, null, null), guarantee).reservationBytes())
                .as("metadata over memtune").isEqualTo(200 * MIB);
        VmSettings s = DomainSettings.resolve("web", MEMORY, yaml(300 * MIB, null, "high", null),
                metadata(200 * MIB, 512 * MIB, "low", false), guarantee);
        assertThat(s.reservationBytes()).as("host.yaml over metadata").isEqualTo(300 * MIB);
        assertThat(s.limitBytes()).as("metadata where host.yaml says nothing").isEqualTo(512 * MIB);
        assertThat(s.shares()).isEqualTo(1024 * 20);
        assertThat(s.ballooning()).isFalse();
        assertThat(DomainSettings.resolve("web", MEMORY, Optional.empty(), MemvisorMetadata.NONE, MemTune.UNCHANGED.withMinGuarantee(MemTune.UNLIMITED))
                .reservationBytes()).as("an unlimited guarantee is none").isZero();
    }

    @Test
    void contradictionsNameTheSettingAndWhereItCameFrom() {
        assertThatThrownBy(() -> DomainSettings.resolve("web", MEMORY, yaml(null, 2048 * MIB, null, null), MemvisorMetadata.NONE, MemTune.UNCHANGED))
                .hasMessage("limit 2G (host.yaml libvirt.domains) exceeds the domain's memory 1G");
        assertThatThrownBy(() -> DomainSettings.resolve("web", MEMORY, yaml(600 * MIB, null, null, null), metadata(null, 512 * MIB, null, null), MemTune.UNCHANGED))
                .hasMessage("reservation 600M (host.yaml libvirt.domains) exceeds the limit 512M (<metadata>)");
    }
}
