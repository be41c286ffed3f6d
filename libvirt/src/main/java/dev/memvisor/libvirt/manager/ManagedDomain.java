package dev.memvisor.libvirt.manager;

import dev.memvisor.core.model.VmSettings;
import dev.memvisor.libvirt.DomainId;
import dev.memvisor.libvirt.MemTune;
import dev.memvisor.libvirt.VirtioMemDevice;
import dev.memvisor.qemu.act.VirtioMemPlug;
import dev.memvisor.qemu.act.CgroupSetting;
import dev.memvisor.qemu.collect.ResidentMemory;
import dev.memvisor.qemu.manager.TrackedVm;

import java.nio.file.Path;
import java.util.concurrent.Future;

/**
 * The libvirt host's state for one run of a domain: where it stands (being introduced, managed, or
 * seen but not managed, and why), its settings and QEMU process once introduced, and (as every
 * {@link TrackedVm}) what it was last seen holding and what its balloon was last told. Written by
 * the deciding thread, except the fields its probes set, which are volatile.
 */
final class ManagedDomain extends TrackedVm {
    /** Where a domain stands with the manager. */
    enum State {
        /** Started (or found running); its facts are being read. */
        NEW,
        /** Admitted: observed and acted on at every decision. */
        MANAGED,
        /** Seen but not managed (no balloon device, settings that do not fit, refused by admission control, a taken name). */
        UNMANAGED
    }

    final DomainId id;
    State state = State.NEW;
    /** Why it is not managed (UNMANAGED), or why it could not be introduced yet (NEW). */
    String why;
    /** Whether it may be admitted later (refused by admission control only: capacity may free up). */
    boolean admissible;
    volatile VmSettings settings;
    volatile long pid = -1;
    /** Whether the balloon statistics period was checked on the current libvirt connection. */
    volatile boolean statsChecked;
    /** The introduction under way (its facts and a first sample), if any. */
    Future<Introduction> introduction;
    /** The libvirt call of an action under way, if any: one at a time per domain, so a hung libvirtd holds one thread per domain at most. */
    Future<?> call;
    /** What memtune carries since memvisor set it, or null when memvisor has not (or a write failed). */
    volatile CgroupSetting lastTune;
    /** memtune as memvisor found it before changing it, put back when memvisor is done with the domain. */
    volatile MemTune foundTune;
    /** Whether the events said that this host's lack of swap keeps the domain's hard limit up. */
    boolean swapGuardReported;
    /** Whether the events said why the domain's compressed memory is not capped by its own cgroup (memory.zswap.max). */
    boolean compressionReported;
    /** Whether the domain's last plan lets its pages be compressed (zswap). */
    volatile boolean compressionAllowed;
    /** What memvisor last wrote to the domain's memory.zswap.max, or -1. */
    volatile long lastZswapMaxBytes = -1;
    /** memory.zswap.max as memvisor found it before changing it (put back on close), or -1. */
    volatile long foundZswapMaxBytes = -1;
    /** Whether the events said how the throttle mode is carried out for the domain. */
    boolean throttleReported;

    /** The cgroup v2 group whose memory.pressure is the domain's ({@link dev.memvisor.libvirt.DomainCgroup}), or null when not observed. */
    volatile java.nio.file.Path pressureDir;
    /** Why the domain's memory pressure is not observed (null when it is). */
    volatile String pressureWhy;
    /** The domain's virtio-mem device as its live XML last described it (the base of the next update), or null without one. */
    volatile VirtioMemDevice virtioMem;

    ManagedDomain(DomainId id) {
        this.id = id;
    }

    @Override
    public String name() {
        return id.name();
    }

    /** Takes the domain's virtio-mem device (at its introduction): plugs are timed from now on. */
    void hotplug(VirtioMemDevice dev) {
        virtioMem = dev;
        bootBytes = dev.bootBytes();
        plug = new VirtioMemPlug(dev.alias().isEmpty() ? null : dev.alias(), dev.alias(), dev.currentBytes());
    }

    /** Takes what the live XML says of the device now: what is plugged ends a change under way (an observation: an upper bound of its time). */
    void hotplugSeen(VirtioMemDevice dev, long nowEpochMicros) {
        virtioMem = dev;
        plug.observed(dev.currentBytes(), nowEpochMicros);
    }

    /**
     * What the domain costs now by its QEMU's /proc/PID/statm, as an observation counts it with the
     * balloon and KSM figures it last saw: 0 when its QEMU is gone or not visible here.
     */
    long costNow(Path procRoot) {
        long p = pid;
        if (p <= 0) return 0;
        long rss = ResidentMemory.bytes(procRoot, p);
        if (rss < 0) return 0;
        VmSettings s = settings;
        return costFromResident(rss, s == null ? -1 : s.configuredBytes());
    }

    /**
     * What an introduction found.
     *
     * @param settings    the domain's settings, or null when it cannot be managed
     * @param why         why it cannot be managed (null when it can)
     * @param pid         its QEMU process, or -1
     * @param first       its first sample (null when it cannot be managed)
     * @param notes       what the introduction changed or noticed, for the events (may be empty)
     */
    record Introduction(VmSettings settings, String why, long pid, dev.memvisor.qemu.manager.VmSample first, java.util.List<String> notes) {}
}
