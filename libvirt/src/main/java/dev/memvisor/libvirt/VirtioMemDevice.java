package dev.memvisor.libvirt;

import dev.memvisor.core.model.HotplugMemory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import java.io.StringWriter;

/**
 * A domain's virtio-mem device as its live XML describes it ({@code <devices><memory model='virtio-mem'>},
 * https://libvirt.org/formatdomain.html#memory-devices and https://libvirt.org/kbase/memorydevices.html,
 * libvirt >= 7.9): the region ({@code <target><size>}), its block size, what the guest was asked to plug
 * ({@code <requested>}) and what it has plugged ({@code <current>}, live XML only), beside the domain's
 * boot memory (its NUMA cells, which libvirt requires with memory devices; QEMU's {@code -m}).
 *
 * @param alias          the device's alias ({@code <alias name='virtiomem0'/>}), or empty
 * @param bootBytes      the domain's boot memory: the sum of its NUMA cells' memory
 * @param sizeBytes      the region: the most the device can plug
 * @param blockBytes     the block size: plugs and unplugs are whole blocks
 * @param requestedBytes what the device was last asked to plug
 * @param currentBytes   what is plugged now ({@code <current>}; the requested size when the XML has none)
 * @param element        the device's element as libvirt wrote it, the base of an update
 */
public record VirtioMemDevice(String alias, long bootBytes, long sizeBytes, long blockBytes, long requestedBytes, long currentBytes,
                              Element element) {

    /** The device as core's model sees it; the sizes are checked there (whole blocks, plugged within the region). */
    public HotplugMemory hotplug() {
        return new HotplugMemory(bootBytes, blockBytes, sizeBytes, Math.min(currentBytes, sizeBytes), Math.min(requestedBytes, sizeBytes));
    }

    /**
     * The device XML for virDomainUpdateDeviceFlags that asks for {@code bytes} plugged: the live element
     * with only {@code <requested>} changed, as {@code virsh update-memory-device --requested-size} sends it
     * (libvirt refuses a live change of anything else: qemuDomainChangeMemoryLiveValidateChange).
     */
    public String withRequested(long bytes) {
        if (bytes < 0 || bytes % 1024 != 0) throw new IllegalArgumentException("requested size must be whole KiB >= 0, got " + bytes);
        Element e = (Element) element.cloneNode(true);
        Element target = DomainXml.child(e, "target");
        Element requested = DomainXml.child(target, "requested");
        if (requested == null) {
            requested = e.getOwnerDocument().createElement("requested");
            target.appendChild(requested);
        }
        requested.setAttribute("unit", "KiB");
        requested.setTextContent(Long.toString(bytes / 1024));
        return serialize(e);
    }

    private static String serialize(Node n) {
        try {
            var t = TransformerFactory.newInstance().newTransformer();
            t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            StringWriter w = new StringWriter();
            t.transform(new DOMSource(n), new StreamResult(w));
            return w.toString();
        } catch (TransformerException e) {
            throw new IllegalStateException("the JDK's XML serializer failed on a <memory> element: " + e.getMessage(), e);
        }
    }
}
