package dev.memvisor.libvirt;

import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.xml.XMLConstants;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * memvisor's own settings for one domain, kept in the domain's XML under {@code <metadata>} in
 * memvisor's namespace, as libvirt reserves that element for applications (libosinfo and Nova do the
 * same; https://libvirt.org/formatdomain.html#general-metadata). Every element is optional; what is
 * missing comes from host.yaml or the defaults:
 * <pre>{@code
 * <metadata>
 *   <memvisor:vm xmlns:memvisor="http://memvisor.dev/xmlns/libvirt/domain/1.0">
 *     <memvisor:shares>high</memvisor:shares>                 <!-- low | normal | high | a number > 0 -->
 *     <memvisor:reservation unit="MiB">512</memvisor:reservation>  <!-- never reclaimed below -->
 *     <memvisor:limit unit="GiB">2</memvisor:limit>              <!-- never granted above -->
 *     <memvisor:ballooning>true</memvisor:ballooning>          <!-- true | false -->
 *   </memvisor:vm>
 * </metadata>
 * }</pre>
 * Sizes take libvirt's {@code unit} attribute ({@link LibvirtUnits}; none = KiB). The schema is
 * {@code memvisor-domain-metadata.xsd} beside this class. Set it with
 * {@code virsh metadata DOMAIN http://memvisor.dev/xmlns/libvirt/domain/1.0 --key memvisor --set '<vm>...</vm>' --live --config}.
 *
 * @param shares           the share level or number, lower-case, if set
 * @param reservationBytes the reservation, if set
 * @param limitBytes       the limit, if set
 * @param ballooning       whether memvisor may balloon the domain, if set
 */
public record MemvisorMetadata(Optional<String> shares, OptionalLong reservationBytes, OptionalLong limitBytes,
                               Optional<Boolean> ballooning) {
    /** memvisor's XML namespace for domain metadata, version 1.0. */
    public static final String NAMESPACE = "http://memvisor.dev/xmlns/libvirt/domain/1.0";
    /** The prefix memvisor writes (libvirt's "key" of the metadata). */
    public static final String PREFIX = "memvisor";
    /** The one top-level element. */
    public static final String ELEMENT = "vm";
    /** No settings: everything from host.yaml or the defaults. */
    public static final MemvisorMetadata NONE = new MemvisorMetadata(Optional.empty(), OptionalLong.empty(), OptionalLong.empty(), Optional.empty());

    private static final Set<String> CHILDREN = Set.of("shares", "reservation", "limit", "ballooning");

    /** Validates shares and that the reservation is at most the limit. */
    public MemvisorMetadata {
        shares = shares.map(s -> s.trim().toLowerCase(Locale.ROOT));
        shares.ifPresent(s -> {
            if (!s.matches("low|normal|high|[1-9][0-9]{0,17}")) {
                throw new IllegalArgumentException("shares: got '" + s + "', expected low, normal, high or a number > 0");
            }
        });
        if (reservationBytes.isPresent() && reservationBytes.getAsLong() < 0) throw new IllegalArgumentException("reservation: negative");
        if (limitBytes.isPresent() && limitBytes.getAsLong() < 0) throw new IllegalArgumentException("limit: negative");
        if (reservationBytes.isPresent() && limitBytes.isPresent() && reservationBytes.getAsLong() > limitBytes.getAsLong()) {
            throw new IllegalArgumentException("reservation " + reservationBytes.getAsLong() + " bytes exceeds limit " + limitBytes.getAsLong() + " bytes");
        }
    }

    /** Whether nothing is set. */
    public boolean isEmpty() {
        return equals(NONE);
    }

    /**
     * Reads a {@code <vm>} element: from a domain's XML (children in memvisor's namespace) or as
     * virDomainGetMetadata returns it (libvirt strips the namespace there).
     *
     * @throws IllegalArgumentException naming the element and what was expected
     */
    public static MemvisorMetadata parse(Element vm) {
        if (!ELEMENT.equals(localName(vm))) throw new IllegalArgumentException("expected <" + PREFIX + ":" + ELEMENT + ">, got <" + vm.getTagName() + ">");
        Optional<String> shares = Optional.empty();
        OptionalLong reservation = OptionalLong.empty();
        OptionalLong limit = OptionalLong.empty();
        Optional<Boolean> ballooning = Optional.empty();
        Set<String> seen = new LinkedHashSet<>();
        try {
            attributes(vm, Set.of());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("<" + ELEMENT + ">: " + e.getMessage(), e);
        }
        for (Node n = vm.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeType() == Node.TEXT_NODE && n.getTextContent().isBlank() || n.getNodeType() == Node.COMMENT_NODE) continue;
            if (n.getNodeType() != Node.ELEMENT_NODE) throw new IllegalArgumentException("<" + ELEMENT + ">: unexpected text '" + n.getTextContent().trim() + "'");
            Element e = (Element) n;
            String name = localName(e);
            String ns = e.getNamespaceURI();
            if (!CHILDREN.contains(name) || ns != null && !ns.equals(NAMESPACE)) {
                throw new IllegalArgumentException("<" + ELEMENT + ">: unknown element <" + e.getTagName() + ">; expected shares, reservation, limit or ballooning");
            }
            if (!seen.add(name)) throw new IllegalArgumentException("<" + ELEMENT + ">: <" + name + "> given twice");
            String text = e.getTextContent().trim();
            try {
                attributes(e, name.equals("reservation") || name.equals("limit") ? Set.of("unit") : Set.of());
                switch (name) {
                    case "shares":
                        shares = Optional.of(text);
                        break;
                    case "reservation":
                        reservation = OptionalLong.of(LibvirtUnits.toBytes(text, e.getAttribute("unit")));
                        break;
                    case "limit":
                        limit = OptionalLong.of(LibvirtUnits.toBytes(text, e.getAttribute("unit")));
                        break;
                    default:
                        ballooning = Optional.of(bool(text));
                }
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("<" + name + ">: " + ex.getMessage(), ex);
            }
        }
        return new MemvisorMetadata(shares, reservation, limit, ballooning);
    }

    /** Reads the XML of a {@code <vm>} element. */
    public static MemvisorMetadata parse(String xml) {
        return parse(DomainXml.parseDocument(xml).getDocumentElement());
    }

    /** The {@code <memvisor:vm>} element as it stands in a domain's XML, with its namespace declared. */
    public String toXml() {
        return xml(PREFIX + ":", " xmlns:" + PREFIX + "=\"" + NAMESPACE + "\"");
    }

    /** The element without namespace, as virDomainSetMetadata takes it (libvirt adds the namespace and prefix itself). */
    String toBareXml() {
        return xml("", "");
    }

    private String xml(String prefix, String declaration) {
        StringBuilder b = new StringBuilder("<" + prefix + ELEMENT + declaration + ">");
        shares.ifPresent(s -> child(b, prefix, "shares", "", s));
        reservationBytes.ifPresent(v -> size(b, prefix, "reservation", v));
        limitBytes.ifPresent(v -> size(b, prefix, "limit", v));
        ballooning.ifPresent(v -> child(b, prefix, "ballooning", "", v.toString()));
        return b.append("</").append(prefix).append(ELEMENT).append('>').toString();
    }

    private static void size(StringBuilder b, String prefix, String name, long bytes) {
        String[] units = {"TiB", "GiB", "MiB", "KiB"};
        for (int i = 0; i < units.length; i++) {
            long scale = 1L << (10 * (units.length - i));
            if (bytes != 0 && bytes % scale == 0) {
                child(b, prefix, name, " unit=\"" + units[i] + "\"", Long.toString(bytes / scale));
                return;
            }
        }
        child(b, prefix, name, " unit=\"b\"", Long.toString(bytes));
    }

    private static void child(StringBuilder b, String prefix, String name, String attrs, String text) {
        b.append('<').append(prefix).append(name).append(attrs).append('>').append(text)
                .append("</").append(prefix).append(name).append('>');
    }

    /** Rejects attributes other than {@code allowed} (namespace declarations aside), as the schema does. */
    private static void attributes(Element e, Set<String> allowed) {
        var attrs = e.getAttributes();
        for (int i = 0; i < attrs.getLength(); i++) {
            Node a = attrs.item(i);
            if (XMLConstants.XMLNS_ATTRIBUTE_NS_URI.equals(a.getNamespaceURI())) continue;
            if (a.getNamespaceURI() != null || !allowed.contains(a.getLocalName())) {
                throw new IllegalArgumentException("unexpected attribute " + a.getNodeName() + "='" + a.getNodeValue() + "'"
                        + (allowed.isEmpty() ? "" : "; expected " + String.join(", ", allowed)));
            }
        }
    }

    private static boolean bool(String text) {
        // xsd:boolean's lexical forms
        switch (text) {
            case "true": case "1": return true;
            case "false": case "0": return false;
            default: throw new IllegalArgumentException("got '" + text + "', expected true or false");
        }
    }

    private static String localName(Element e) {
        return e.getLocalName() != null ? e.getLocalName() : e.getTagName();
    }
}
