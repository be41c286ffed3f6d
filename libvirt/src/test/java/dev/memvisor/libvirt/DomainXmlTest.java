package dev.memvisor.libvirt;

import dev.memvisor.core.model.HotplugMemory;
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

    /** A live domain XML with a virtio-mem device as libvirt 9.0 writes it (formatdomain.html#memory-devices). */
    private static String withVirtioMem(String numa, String target) {
        return "<domain type='qemu' id='3'><name>web</name><maxMemory slots='1' unit='KiB'>524288</maxMemory><memory unit='KiB'>524288</memory>"
                + "<cpu>" + numa + "</cpu><devices><memballoon model='virtio'/>"
                + "<memory model='virtio-mem'><target>" + target + "</target><alias name='virtiomem0'/>"
                + "<address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/></memory></devices></domain>";
    }

    private static final String CELL = "<numa><cell id='0' cpus='0' memory='262144' unit='KiB'/></numa>";

    @Test
    void aVirtioMemDeviceWithTheBootMemoryOfItsNumaCells() {
        DomainXml x = DomainXml.parse(withVirtioMem("<numa><cell id='0' cpus='0' memory='128' unit='MiB'/><cell id='1' cpus='1' memory='131072'/></numa>",
                "<size unit='KiB'>262144</size><node>0</node><block unit='KiB'>2048</block><requested unit='KiB'>65536</requested><current unit='KiB'>61440</current>"));
        VirtioMemDevice d = x.virtioMem().orElseThrow();
        assertThat(d.alias()).isEqualTo("virtiomem0");
        assertThat(d.bootBytes()).isEqualTo(256L << 20);
        assertThat(d.hotplug()).isEqualTo(new HotplugMemory(256L << 20, 2L << 20, 256L << 20, 60L << 20, 64L << 20));
    }

    @Test
    void withoutCurrentWhatIsPluggedIsTheRequestedSizeAndNoDeviceIsEmpty() {
        DomainXml x = DomainXml.parse(withVirtioMem(CELL, "<size unit='MiB'>256</size><block unit='KiB'>2048</block><requested unit='MiB'>32</requested>"));
        assertThat(x.virtioMem().orElseThrow().currentBytes()).isEqualTo(32L << 20);
        assertThat(DomainXml.parse(domain("<memballoon model='virtio'/><memory model='dimm'><target><size>1024</size></target></memory>", "")).virtioMem()).isEmpty();
    }

    @Test
    void theUpdateChangesOnlyRequestedInKib() {
        DomainXml x = DomainXml.parse(withVirtioMem(CELL,
                "<size unit='KiB'>262144</size><node>0</node><block unit='KiB'>2048</block><requested unit='KiB'>0</requested><current unit='KiB'>0</current>"));
        String xml = x.virtioMem().orElseThrow().withRequested(96L << 20);
        assertThat(xml).startsWith("<memory model=\"virtio-mem\">").contains("<requested unit=\"KiB\">98304</requested>")
                .contains("<size unit=\"KiB\">262144</size>").contains("<block unit=\"KiB\">2048</block>").contains("<alias name=\"virtiomem0\"/>")
                .contains("<address bus=\"0x00\" domain=\"0x0000\" function=\"0x0\" slot=\"0x05\" type=\"pci\"/>").doesNotContain("<?xml");
        // the parsed device is left as it was: the next update starts from libvirt's own XML again
        assertThat(x.virtioMem().orElseThrow().requestedBytes()).isZero();
        assertThat(x.virtioMem().orElseThrow().withRequested(0)).contains("<requested unit=\"KiB\">0</requested>");
        assertThatThrownBy(() -> x.virtioMem().orElseThrow().withRequested(1000)).hasMessage("requested size must be whole KiB >= 0, got 1000");
    }

    @Test
    void aVirtioMemDeviceThatCannotBeReadNamesTheElement() {
        assertThatThrownBy(() -> DomainXml.parse(withVirtioMem("", "<size unit='KiB'>262144</size><block unit='KiB'>2048</block>")))
                .hasMessage("<memory model='virtio-mem'> without <cpu><numa><cell memory=...>: the boot memory is unknown");
        assertThatThrownBy(() -> DomainXml.parse(withVirtioMem(CELL, "<size unit='KiB'>262144</size>")))
                .hasMessage("<memory model='virtio-mem'><target>: no <block>");
        assertThatThrownBy(() -> DomainXml.parse(withVirtioMem(CELL, "<size unit='KiB'>lots</size><block unit='KiB'>2048</block>")))
                .hasMessageStartingWith("<memory model='virtio-mem'><target><size>: 'lots' is not a whole number");
    }
}
