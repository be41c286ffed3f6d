package dev.memvisor.libvirt;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.IOException;
import java.io.StringReader;
import java.util.Optional;

/**
 * What memvisor reads from a domain's live XML (virDomainGetXMLDesc): its balloon device
 * ({@code <devices><memballoon model='virtio'><stats period='N'/>}, model {@code none} = no
 * balloon; https://libvirt.org/formatdomain.html#memory-balloon-device), its first virtio-mem device
 * ({@link VirtioMemDevice}) and memvisor's {@code <metadata>} ({@link MemvisorMetadata}). Metadata that
 * does not parse is kept as a problem, so the balloon facts of such a domain are still known.
 */
public final class DomainXml {
    private final String balloonModel;
    private final int statsPeriodSeconds;
    private final MemvisorMetadata metadata;
    private final String metadataProblem;
    private final VirtioMemDevice virtioMem;

    private DomainXml(String balloonModel, int statsPeriodSeconds, MemvisorMetadata metadata, String metadataProblem, VirtioMemDevice virtioMem) {
        this.virtioMem = virtioMem;
        this.balloonModel = balloonModel;
        this.statsPeriodSeconds = statsPeriodSeconds;
        this.metadata = metadata;
        this.metadataProblem = metadataProblem;
    }

    /**
     * Reads a domain XML document.
     *
     * @throws IllegalArgumentException when it is not a {@code <domain>} document
     */
    public static DomainXml parse(String xml) {
        Element domain = parseDocument(xml).getDocumentElement();
        if (!"domain".equals(domain.getTagName())) throw new IllegalArgumentException("expected a <domain> document, got <" + domain.getTagName() + ">");
        String model = "";
        int period = 0;
        Element balloon = child(child(domain, "devices"), "memballoon");
        if (balloon != null) {
            model = balloon.getAttribute("model");
            Element stats = child(balloon, "stats");
            if (stats != null && !stats.getAttribute("period").isEmpty()) {
                try {
                    period = Integer.parseInt(stats.getAttribute("period").trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("<memballoon><stats period='" + stats.getAttribute("period") + "'>: not a number");
                }
            }
        }
        MemvisorMetadata md = MemvisorMetadata.NONE;
        String problem = null;
        Element mdRoot = child(domain, "metadata");
        if (mdRoot != null) {
            for (Node n = mdRoot.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element && MemvisorMetadata.NAMESPACE.equals(n.getNamespaceURI())) {
                    try {
                        md = MemvisorMetadata.parse((Element) n);
                    } catch (IllegalArgumentException e) {
                        problem = "<metadata> in " + MemvisorMetadata.NAMESPACE + ": " + e.getMessage();
                    }
                }
            }
        }
        return new DomainXml(model, period, md, problem, virtioMem(domain));
    }

    /** The first {@code <memory model='virtio-mem'>} device, or null when the domain has none. */
    private static VirtioMemDevice virtioMem(Element domain) {
        Element devices = child(domain, "devices");
        if (devices == null) return null;
        for (Node n = devices.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (!(n instanceof Element e) || n.getNamespaceURI() != null || !"memory".equals(n.getLocalName())) continue;
            if (!"virtio-mem".equals(e.getAttribute("model"))) continue;
            Element target = child(e, "target");
            if (target == null) throw new IllegalArgumentException("<memory model='virtio-mem'>: no <target>");
            long size = size(target, "size", -1);
            long block = size(target, "block", -1);
            long requested = size(target, "requested", 0);
            long current = size(target, "current", requested);
            Element alias = child(e, "alias");
            return new VirtioMemDevice(alias == null ? "" : alias.getAttribute("name"), bootBytes(domain), size, block, requested, current, e);
        }
        return null;
    }

    /** The boot memory of a domain with memory devices: the sum of its NUMA cells ({@code <cpu><numa><cell memory unit>}), which libvirt requires then. */
    private static long bootBytes(Element domain) {
        Element numa = child(child(domain, "cpu"), "numa");
        long sum = 0;
        for (Node n = numa == null ? null : numa.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && n.getNamespaceURI() == null && "cell".equals(n.getLocalName())) {
                try {
                    sum += LibvirtUnits.toBytes(c.getAttribute("memory"), c.getAttribute("unit"));
                } catch (IllegalArgumentException x) {
                    throw new IllegalArgumentException("<cpu><numa><cell id='" + c.getAttribute("id") + "' memory>: " + x.getMessage(), x);
                }
            }
        }
        if (sum <= 0) throw new IllegalArgumentException("<memory model='virtio-mem'> without <cpu><numa><cell memory=...>: the boot memory is unknown");
        return sum;
    }

    /** A size element of a virtio-mem {@code <target>} in bytes; {@code absent} when missing (-1: required). */
    private static long size(Element target, String name, long absent) {
        Element e = child(target, name);
        if (e == null) {
            if (absent < 0) throw new IllegalArgumentException("<memory model='virtio-mem'><target>: no <" + name + ">");
            return absent;
        }
        try {
            return LibvirtUnits.toBytes(e.getTextContent(), e.getAttribute("unit"));
        } catch (IllegalArgumentException x) {
            throw new IllegalArgumentException("<memory model='virtio-mem'><target><" + name + ">: " + x.getMessage(), x);
        }
    }

    /** The domain's first virtio-mem device, if it has one. */
    public Optional<VirtioMemDevice> virtioMem() {
        return Optional.ofNullable(virtioMem);
    }

    /** Whether the domain has a balloon device memvisor can drive (a {@code <memballoon>} whose model is not {@code none}). */
    public boolean hasBalloon() {
        return !balloonModel.isEmpty() && !balloonModel.equals("none");
    }

    /** The balloon's model ({@code virtio}, {@code virtio-transitional}, ...), {@code none}, or empty when there is no element. */
    public String balloonModel() {
        return balloonModel;
    }

    /** How often the guest reports balloon statistics, in seconds; 0 = never (libvirt's default). */
    public int statsPeriodSeconds() {
        return statsPeriodSeconds;
    }

    /** memvisor's settings from {@code <metadata>} ({@link MemvisorMetadata#NONE} when absent or unreadable). */
    public MemvisorMetadata metadata() {
        return metadata;
    }

    /** Why the memvisor metadata could not be read, if it could not. */
    public Optional<String> metadataProblem() {
        return Optional.ofNullable(metadataProblem);
    }

    /** A namespace-aware parse with DTDs and external entities off (domain XML has neither). */
    static Document parseDocument(String xml) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setExpandEntityReferences(false);
            var builder = f.newDocumentBuilder();
            builder.setErrorHandler(new org.xml.sax.helpers.DefaultHandler()); // throws on fatal errors, prints nothing
            return builder.parse(new InputSource(new StringReader(xml)));
        } catch (SAXException e) {
            throw new IllegalArgumentException("not well-formed XML: " + e.getMessage(), e);
        } catch (ParserConfigurationException | IOException e) {
            throw new IllegalStateException("the JDK's XML parser is unavailable: " + e.getMessage(), e);
        }
    }

    static Element child(Element parent, String name) {
        if (parent == null) return null;
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element && n.getNamespaceURI() == null && name.equals(n.getLocalName())) return (Element) n;
        }
        return null;
    }
}
