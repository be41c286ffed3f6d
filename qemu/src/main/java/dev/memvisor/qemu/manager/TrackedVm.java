package dev.memvisor.qemu.manager;

import dev.memvisor.core.unit.Size;
import dev.memvisor.qemu.act.VirtioMemPlug;

import java.util.concurrent.Future;

/**
 * What a real host keeps of one managed VM between observations, whatever reaches the VM (QMP for a
 * QEMU of host.yaml, libvirt for a domain): what it was last seen holding, what its balloon was last
 * told, and whether a balloon inflation is still on its way. Free memory at an observation, at the
 * checks between intervals and for a VM that cannot be reached is counted from these figures alike.
 * The memory fields are written by the VM's probe and by the deciding thread and read by the checks,
 * hence volatile; {@link #probe} and {@link #lastError} belong to the deciding thread.
 */
public abstract class TrackedVm {
    /** A balloon within this of the memory the guest was told has arrived (the guest's driver works in pages, QEMU rounds). */
    static final long INFLATION_DONE_BYTES = Size.MIB;

    /** Whether the last observation saw the VM (it is then in the view and its memory counts as used). */
    volatile boolean observed;
    /** The guest's memory by its balloon (QMP query-balloon actual, libvirt's actual) at the last observation that reached the VM: the most the guest may hold; -1 before any. */
    volatile long lastActualBytes = -1;
    /** What the VM's virtio-mem device had plugged at the last observation (on top of the balloon's actual; 0 without one). */
    volatile long lastPluggedBytes;
    /** KSM's profit for the QEMU process at the last observation, subtracted from its resident memory. */
    volatile long lastKsmProfitBytes;
    /** What the VM consumed at the last observation. */
    volatile long lastConsumedBytes;
    /** The guest memory the balloon was last told and accepted, or -1 (none since connecting). */
    volatile long lastGuestBytesSent = -1;
    /**
     * Between intervals, what the VM counts at least while a balloon inflation is on its way: what it
     * consumed at the last interval (or when the inflation was ordered, if later); -1: no floor.
     */
    volatile long inflationFloorBytes = -1;
    /** The VM's virtio-mem device, or null when it has none (found when connecting or introducing the domain). */
    protected volatile VirtioMemPlug plug;
    /** The VM's boot memory (QEMU's base-memory, libvirt's NUMA cells): what QEMU's balloon works within; -1 before it is known. */
    protected volatile long bootBytes = -1;
    /** The observation of this VM still running, if any. */
    Future<VmSample> probe;
    /** The last failure reported for this VM, so the same one is reported once. */
    String lastError;

    /** The VM's name. */
    public abstract String name();

    /**
     * What a VM costs the host from its QEMU's resident memory: less what KSM merged away, and at most
     * what its guest may hold (QEMU's own memory is the policy's per-VM overhead). A full observation,
     * the check between intervals and the count of an unreachable VM all use it, so they agree.
     */
    public static long consumedBytes(long actualBytes, long rssBytes, long ksmProfitBytes) {
        return Math.min(actualBytes, Math.max(0, rssBytes - ksmProfitBytes));
    }

    /** Whether the last observation saw the VM. */
    public boolean observed() {
        return observed;
    }

    /**
     * What the VM costs between intervals, given what it costs now: at least its inflation floor. The
     * memory a plan's balloons reclaim counts as free from the next interval on, not while they move:
     * decisions between intervals react to the host (a VM growing, a budget lowered), not to the last
     * plan's own effect, which would otherwise flip the host to high halfway through the inflation and
     * have the policy give the memory back before the balloon got there (a steady ramp then swings
     * between inflating and deflating every few hundred milliseconds).
     */
    public long betweenIntervals(long costNow) {
        long floor = inflationFloorBytes;
        return floor >= 0 ? Math.max(costNow, floor) : costNow;
    }

    /**
     * What the VM costs given its QEMU's resident memory now, with the balloon and KSM figures of its
     * last observation; {@code configuredBytes} caps it before any observation (-1: not known either).
     */
    public long costFromResident(long rssBytes, long configuredBytes) {
        long cap = lastActualBytes >= 0 ? lastActualBytes + lastPluggedBytes : configuredBytes > 0 ? configuredBytes : rssBytes;
        return consumedBytes(cap, rssBytes, lastKsmProfitBytes);
    }

    /** What a VM seen at no observation and whose QEMU is not visible here (a remote URI) still holds: its balloon's last figure and what was plugged. */
    long lastKnownBytes() {
        return observed ? Math.max(0, lastActualBytes) + lastPluggedBytes : 0;
    }

    /**
     * Records an observation that reached the VM. At a regular interval the VM counts as it is, and a
     * balloon still on its way (the guest holds more than it was told) counts from the next interval again.
     */
    public void seen(VmSample s, boolean interval) {
        observed = true;
        lastActualBytes = s.actualBytes();
        lastPluggedBytes = s.view().hotplug() == null ? 0 : s.view().hotplug().pluggedBytes();
        lastKsmProfitBytes = s.ksmProfitBytes();
        lastConsumedBytes = s.view().consumedBytes();
        if (interval) {
            long sent = lastGuestBytesSent;
            boolean inflating = sent >= 0 && s.actualBytes() > sent + INFLATION_DONE_BYTES;
            inflationFloorBytes = inflating ? s.view().consumedBytes() : -1;
        }
    }

    /** Records an observation that did not reach the VM. */
    public void unseen() {
        observed = false;
        inflationFloorBytes = -1;
    }

    /**
     * Whether the balloon must be told {@code guestBytes} (it was not, since connecting); if so and it
     * is an inflation, the VM counts what it consumes now until the next interval ({@link #betweenIntervals}).
     * Call before sending, then {@link #balloonSent} once the guest's host accepted it.
     */
    public boolean balloonOrder(long guestBytes) {
        if (guestBytes == lastGuestBytesSent) return false;
        if (guestBytes < lastActualBytes && inflationFloorBytes < 0) inflationFloorBytes = lastConsumedBytes;
        return true;
    }

    /** The balloon was told {@code guestBytes} and accepted it. */
    public void balloonSent(long guestBytes) {
        lastGuestBytesSent = guestBytes;
    }

    /** What the balloon was told is unknown again (a new connection, a failed command). */
    public void forgetBalloon() {
        lastGuestBytesSent = -1;
    }

    /** The VM's virtio-mem device as its host drives it, or null without one. */
    public VirtioMemPlug plug() {
        return plug;
    }

    /** The memory QEMU's balloon works within: the boot memory with a virtio-mem device, else {@code configuredBytes} (QEMU's balloon ignores virtio-mem memory). */
    public long balloonBaseBytes(long configuredBytes) {
        return plug != null && bootBytes > 0 ? bootBytes : configuredBytes;
    }
}
