package dev.memvisor.libvirt;

import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DomainXmlTest {
    private static String domain(String devices, String metadata) {
        return "<domain type='qemu' id='3'><name>web</name><uuid>1d046693-4197-4e78-8191-f7c0ded0bc20</uuid>"
                + metadata + "<memory unit='KiB'>196608</memory><devices><emulator>/usr/bin/qemu-system-x86_64</emulator>"
                + devices + "</devices></domain>";
    }

    @Test
    void aVirtioBalloonWithAStatsPeriod() {
        DomainXml x = DomainXml.parse(domain("<memballoon model='virtio'><stats period='5'/><alias name='balloon0'/></memballoon>", ""));
        assertThat(x.hasBalloon()).isTrue();
        assertThat(x.balloonModel()).isEqualTo("virtio");
        assertThat(x.statsPeriodSeconds()).isEqualTo(5);
        assertThat(x.metadata()).isEqualTo(MemvisorMetadata.NONE);
        assertThat(x.metadataProblem()).isEmpty();
    }

    @Test
    void withoutStatsThePeriodIsZero() {
        DomainXml x = DomainXml.parse(domain("<memballoon model='virtio-non-transitional'/>", ""));
        assertThat(x.hasBalloon()).isTrue();
        assertThat(x.statsPeriodSeconds()).isZero();
    }

    @Test
    void modelNoneOrNoElementIsNoBalloon() {
        assertThat(DomainXml.parse(domain("<memballoon model='none'/>", "")).hasBalloon()).isFalse();
        assertThat(DomainXml.parse(domain("", "")).hasBalloon()).isFalse();
        assertThat(DomainXml.parse(domain("", "")).balloonModel()).isEmpty();
    }

    @Test
    void readsMemvisorsMetadataAndIgnoresOtherApplications() {
        String md = "<metadata><libosinfo:libosinfo xmlns:libosinfo='http://libosinfo.org/xmlns/libvirt/domain/1.0'>"
                + "<libosinfo:os id='http://debian.org/debian/12'/></libosinfo:libosinfo>"
                + "<memvisor:vm xmlns:memvisor='" + MemvisorMetadata.NAMESPACE + "'><memvisor:reservation unit='MiB'>64</memvisor:reservation>"
                + "</memvisor:vm></metadata>";
        DomainXml x = DomainXml.parse(domain("<memballoon model='virtio'/>", md));
        assertThat(x.metadata()).isEqualTo(new MemvisorMetadata(Optional.empty(), OptionalLong.of(64L << 20), OptionalLong.empty(), Optional.empty()));
    }

    @Test
    void badMetadataIsAProblemButTheBalloonIsStillKnown() {
        String md = "<metadata><memvisor:vm xmlns:memvisor='" + MemvisorMetadata.NAMESPACE + "'><memvisor:shares>lots</memvisor:shares></memvisor:vm></metadata>";
        DomainXml x = DomainXml.parse(domain("<memballoon model='virtio'/>", md));
        assertThat(x.hasBalloon()).isTrue();
        assertThat(x.metadata()).isEqualTo(MemvisorMetadata.NONE);
        assertThat(x.metadataProblem()).hasValueSatisfying(p -> assertThat(p)
                .isEqualTo("<metadata> in " + MemvisorMetadata.NAMESPACE + ": shares: got 'lots', expected low, normal, high or a number > 0"));
    }

    @Test
    void notADomainOrNotXml() {
        assertThatThrownBy(() -> DomainXml.parse("<network/>")).hasMessage("expected a <domain> document, got <network>");
        assertThatThrownBy(() -> DomainXml.parse("<domain>")).hasMessageStartingWith("not well-formed XML");
        assertThatThrownBy(() -> DomainXml.parse("<!DOCTYPE d [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><domain>&x;</domain>"))
                .hasMessageStartingWith("not well-formed XML");
    }
}
