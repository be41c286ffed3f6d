package dev.memvisor.qemu.qmp;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One virtio-mem device as {@code query-memory-devices} describes it (QEMU qapi/machine.json,
 * VirtioMEMDeviceInfo): its region, block size, what is plugged and what was requested.
 *
 * @param id             the device's id ({@code -device virtio-mem-pci,id=ID}), or null when it has none
 * @param memdev         the QOM path of its memory backend
 * @param blockBytes     the block size: plugs and unplugs are whole blocks
 * @param sizeBytes      memory plugged now
 * @param maxSizeBytes   the region's size (the most it can plug)
 * @param requestedBytes the size the guest was asked to plug
 */
public record VirtioMemInfo(String id, String memdev, long blockBytes, long sizeBytes, long maxSizeBytes, long requestedBytes) {

    /** Reads one {@code {"type": "virtio-mem", "data": {...}}} entry's data. */
    public static VirtioMemInfo fromJson(JsonNode data) {
        return new VirtioMemInfo(data.hasNonNull("id") ? data.get("id").asText() : null, data.path("memdev").asText(""),
                data.path("block-size").asLong(), data.path("size").asLong(), data.path("max-size").asLong(),
                data.path("requested-size").asLong());
    }
}
