package dev.memvisor.qemu.act;

import dev.memvisor.core.control.Action;
import dev.memvisor.qemu.qmp.QmpClient;
import dev.memvisor.qemu.qmp.QmpEvent;

/**
 * One VM's virtio-mem device as the manager drives it: an {@link Action.Plug} becomes QOM's
 * {@code requested-size} (qom-set on the device; for a libvirt domain, {@code <requested>} through
 * virDomainUpdateDeviceFlags, sent by its host and recorded with {@link #requested}), and the guest plugs
 * or unplugs whole blocks toward it at its own pace; {@code size} (query-memory-devices, libvirt's
 * {@code <current>}) says what is plugged. Each change is timed from the request until the device's size
 * reached the requested size: by QEMU's MEMORY_DEVICE_SIZE_CHANGE event (its timestamp; QEMU rate-limits
 * the event per device, so the last one of a burst may come up to a second late, with its own time), or
 * else by the first observation that sees it (then the time is an upper bound). Sources: QEMU
 * docs/system/devices/virtio-mem.rst, qapi/machine.json (MEMORY_DEVICE_SIZE_CHANGE). Thread-safe: the
 * event arrives on the QMP reader's thread.
 */
public final class VirtioMemPlug {
    /** QEMU's event when a memory device's plugged size changed. */
    public static final String SIZE_EVENT = "MEMORY_DEVICE_SIZE_CHANGE";

    /**
     * One change of the plugged size.
     *
     * @param fromBytes            the size plugged when it was asked for
     * @param toBytes              the size asked for
     * @param requestedEpochMicros when it was asked for (wall clock)
     * @param tookMicros           how long until the device had it, or -1 while it is still on its way
     * @param byEvent              whether the end came from QEMU's event (else an observation: an upper bound)
     */
    public record Change(long fromBytes, long toBytes, long requestedEpochMicros, long tookMicros, boolean byEvent) {
        /** Whether the device has reached the size. */
        public boolean done() { return tookMicros >= 0; }
    }

    private final String id;
    private final String path;
    private long sizeBytes;
    private Change pending;
    private Change last;

    /**
     * The device with QOM path {@code path} and id {@code id} (null without one), {@code sizeBytes} plugged now.
     */
    public VirtioMemPlug(String id, String path, long sizeBytes) {
        this.id = id;
        this.path = path;
        this.sizeBytes = sizeBytes;
    }

    /** The device's QOM path (for a libvirt domain, its alias). */
    public String path() { return path; }

    /**
     * Asks the device to plug {@code bytes} (whole blocks, within its region: the action is bounded already).
     *
     * @throws RuntimeException from QMP when QEMU refuses (the message says why)
     */
    public void request(QmpClient qmp, long bytes, long nowEpochMicros) {
        qmp.setVirtioMemRequestedSize(path, bytes);
        requested(bytes, nowEpochMicros);
    }

    /** Records that the device was asked (by whoever reaches it: QMP, libvirt) to plug {@code bytes} at {@code nowEpochMicros}; the change's clock starts. */
    public synchronized void requested(long bytes, long nowEpochMicros) {
        pending = new Change(sizeBytes, bytes, nowEpochMicros, -1, false);
        if (sizeBytes == bytes) finish(nowEpochMicros, false);
    }

    /** Takes QEMU's size-change event for this device (others are ignored). */
    public void onEvent(QmpEvent e) {
        if (!e.name().equals(SIZE_EVENT)) return;
        String evId = e.data().path("id").asText(null);
        String evPath = e.data().path("qom-path").asText(null);
        if (!(id != null && id.equals(evId) || path.equals(evPath))) return;
        synchronized (this) {
            sizeBytes = e.data().path("size").asLong(sizeBytes);
            if (pending != null && sizeBytes == pending.toBytes()) finish(e.epochMicros(), true);
        }
    }

    /** Takes the size an observation read (query-memory-devices). */
    public synchronized void observed(long size, long nowEpochMicros) {
        sizeBytes = size;
        if (pending != null && size == pending.toBytes()) finish(nowEpochMicros, false);
    }

    private void finish(long atEpochMicros, boolean byEvent) {
        last = new Change(pending.fromBytes(), pending.toBytes(), pending.requestedEpochMicros(),
                Math.max(0, atEpochMicros - pending.requestedEpochMicros()), byEvent);
        pending = null;
    }

    /** The change under way, or null. */
    public synchronized Change pending() { return pending; }

    /** The last change that completed, or null. */
    public synchronized Change last() { return last; }

    /** What is plugged, as last seen. */
    public synchronized long sizeBytes() { return sizeBytes; }
}
