package dev.memvisor.libvirt;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MemvisorMetadataTest {
    private static final String NS = MemvisorMetadata.NAMESPACE;
    private static final Schema SCHEMA = schema();

    @Test
    void readsTheDocumentedExample() {
        MemvisorMetadata m = MemvisorMetadata.parse("<memvisor:vm xmlns:memvisor='" + NS + "'>"
                + "<memvisor:shares>High</memvisor:shares><memvisor:reservation unit='MiB'>512</memvisor:reservation>"
                + "<memvisor:limit unit='GiB'>2</memvisor:limit><memvisor:ballooning>false</memvisor:ballooning></memvisor:vm>");
        assertThat(m).isEqualTo(new MemvisorMetadata(Optional.of("high"), OptionalLong.of(512L << 20), OptionalLong.of(2L << 30), Optional.of(false)));
    }

    @Test
    void readsWhatVirDomainGetMetadataReturns() {
        // libvirt hands the element back without its namespace: <vm><shares>high</shares></vm>
        assertThat(MemvisorMetadata.parse("<vm>\n  <shares>2000</shares>\n  <limit>262144</limit>\n</vm>"))
                .isEqualTo(new MemvisorMetadata(Optional.of("2000"), OptionalLong.empty(), OptionalLong.of(256L << 20), Optional.empty()));
    }

    @Test
    void mistakesAreNamed() {
        assertThatThrownBy(() -> MemvisorMetadata.parse("<vm><reservaton>5</reservaton></vm>"))
                .hasMessage("<vm>: unknown element <reservaton>; expected shares, reservation, limit or ballooning");
        assertThatThrownBy(() -> MemvisorMetadata.parse("<vm><shares>lots</shares></vm>"))
                .hasMessageContaining("shares: got 'lots', expected low, normal, high or a number > 0");
        assertThatThrownBy(() -> MemvisorMetadata.parse("<vm><limit unit='MiB'>half</limit></vm>"))
                .hasMessage("<limit>: 'half' is not a whole number of MiB");
        assertThatThrownBy(() -> MemvisorMetadata.parse("<vm><limit unit='parsec'>5</limit></vm>"))
                .hasMessageStartingWith("<limit>: unknown unit 'parsec'");
        assertThatThrownBy(() -> MemvisorMetadata.parse("<vm><ballooning>yes</ballooning></vm>"))
                .hasMessage("<ballooning>: got 'yes', expected true or false");
        assertThatThrownBy(() -> MemvisorMetadata.parse("<vm><shares>low</shares><shares>high</shares></vm>"))
                .hasMessage("<vm>: <shares> given twice");
        assertThatThrownBy(() -> MemvisorMetadata.parse("<vm><reservation unit='G'>2</reservation><limit unit='G'>1</limit></vm>"))
                .hasMessage("reservation 2147483648 bytes exceeds limit 1073741824 bytes");
        assertThatThrownBy(() -> MemvisorMetadata.parse("<vm xmlns='urn:other'><shares>low</shares></vm>"))
                .hasMessageContaining("unknown element <shares>");
    }

    @Property
    void whatIsWrittenReadsBackAndFollowsTheSchema(@ForAll("metadata") MemvisorMetadata m) throws Exception {
        String xml = m.toXml();
        assertThat(MemvisorMetadata.parse(xml)).isEqualTo(m);
        SCHEMA.newValidator().validate(new StreamSource(new StringReader(xml)));
    }

    /** The parser and the published schema agree on every document (the schema cannot say reservation <= limit). */
    @Property(tries = 500)
    void theParserAcceptsExactlyWhatTheSchemaAccepts(@ForAll("documents") String xml) throws IOException {
        boolean schemaOk;
        try {
            SCHEMA.newValidator().validate(new StreamSource(new StringReader(xml)));
            schemaOk = true;
        } catch (SAXException e) {
            schemaOk = false;
        }
        boolean parserOk;
        String why = "";
        try {
            MemvisorMetadata.parse(xml);
            parserOk = true;
        } catch (IllegalArgumentException e) {
            parserOk = false;
            why = e.getMessage();
        }
        if (!schemaOk) assertThat(parserOk).as("parser accepted what the schema rejects: %s", xml).isFalse();
        else if (!why.contains("exceeds limit")) assertThat(parserOk).as("parser rejected (%s) what the schema accepts: %s", why, xml).isTrue();
    }

    @Provide
    Arbitrary<MemvisorMetadata> metadata() {
        Arbitrary<Optional<String>> shares = Arbitraries.oneOf(Arbitraries.of("low", "normal", "high"),
                Arbitraries.longs().between(1, 1_000_000_000L).map(Object::toString)).optional();
        Arbitrary<Long> size = Arbitraries.oneOf(Arbitraries.longs().between(0, 1L << 40),
                Arbitraries.longs().between(0, 1 << 20).map(v -> v << 20));
        return Combinators.combine(shares, size.optional(), size.optional(), Arbitraries.of(true, false).optional())
                .as((s, a, b, bal) -> {
                    OptionalLong res = a.map(OptionalLong::of).orElse(OptionalLong.empty());
                    OptionalLong lim = b.map(OptionalLong::of).orElse(OptionalLong.empty());
                    if (res.isPresent() && lim.isPresent() && res.getAsLong() > lim.getAsLong()) {
                        OptionalLong t = res; res = lim; lim = t;
                    }
                    return new MemvisorMetadata(s, res, lim, bal);
                });
    }

    @Provide
    Arbitrary<String> documents() {
        Arbitrary<String> value = Arbitraries.of("low", "NORMAL", "High", "7", "0", "-3", "12.5", "lots", "", " 64 ",
                "true", "false", "1", "yes", "512");
        Arbitrary<String> unit = Arbitraries.of("", " unit='MiB'", " unit='k'", " unit='KB'", " unit='bytes'", " unit='GiB'",
                " unit='parsec'", " unit='Kb2'", " unit=''");
        Arbitrary<String> name = Arbitraries.of("shares", "reservation", "limit", "ballooning", "reservaton");
        Arbitrary<String> prefix = Arbitraries.of("memvisor:", "memvisor:", "memvisor:", "other:");
        Arbitrary<String> child = Combinators.combine(prefix, name, unit, value)
                .as((p, n, u, v) -> "<" + p + n + u + ">" + v + "</" + p + n + ">");
        return child.list().ofMaxSize(5).map(children -> "<memvisor:vm xmlns:memvisor='" + NS + "' xmlns:other='urn:other'>"
                + String.join("", children) + "</memvisor:vm>");
    }

    private static Schema schema() {
        try {
            return SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
                    .newSchema(MemvisorMetadataTest.class.getResource("/dev/memvisor/libvirt/memvisor-domain-metadata.xsd"));
        } catch (SAXException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theSchemaIsShippedBesideTheClass() {
        assertThat(List.of(MemvisorMetadata.class.getResource("memvisor-domain-metadata.xsd"))).doesNotContainNull();
    }
}
