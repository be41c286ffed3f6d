package dev.memvisor.core.control;

/**
 * One thing a host is told to do after a decision: the typed output of the control loop that every
 * host adapter (simulated, QEMU, libvirt) carries out with its own mechanisms. The {@link Controller}
 * emits an action only when it differs from what the host last carried out, so an adapter acts on
 * changes and a log shows what really changed.
 */
public sealed interface Action permits Action.Plug, Action.Balloon, Action.HostReclaim, Action.SharingRate {

    /** A short name of the kind of action, for logs and JSON ({@code plug}, {@code balloon}, {@code reclaim}, {@code sharing}). */
    String kind();

    /** The VM the action is for, or {@code null} for a host-wide action. */
    String vm();

    /**
     * Set how much memory the VM's virtio-mem device has plugged: the guest plugs (hot-adds) or
     * unplugs memory, in whole blocks, until it has {@code pluggedBytes} beside its boot memory. Already
     * within the bounds of {@link PlanBounds} (whole blocks; boot memory plus plugged at least the
     * reservation and at most the limit). A real host asks the device (QEMU's requested-size) and the
     * guest gets there at its own pace.
     *
     * @param vm           the VM's name
     * @param pluggedBytes the plugged size to reach (0 unplugs everything)
     */
    record Plug(String vm, long pluggedBytes) implements Action {
        /** Validates the size. */
        public Plug {
            if (pluggedBytes < 0) throw new IllegalArgumentException("pluggedBytes < 0 for " + vm + ": " + pluggedBytes);
        }

        @Override public String kind() { return "plug"; }
    }

    /**
     * Set the VM's balloon: the driver in the guest should hold {@code balloonBytes}, so the guest
     * sees its memory (configured, or boot and plugged memory with a virtio-mem device) less this.
     * Already within the bounds of {@link PlanBounds}.
     *
     * @param vm           the VM's name
     * @param balloonBytes the balloon size to reach (0 deflates it)
     */
    record Balloon(String vm, long balloonBytes) implements Action {
        /** Validates the size. */
        public Balloon {
            if (balloonBytes < 0) throw new IllegalArgumentException("balloonBytes < 0 for " + vm + ": " + balloonBytes);
        }

        @Override public String kind() { return "balloon"; }
    }

    /**
     * The hypervisor's own reclamation for a VM, without the guest's help: how much machine memory it
     * should hold ({@code targetBytes}), how much of it the host should have swapped or compressed at
     * least, whether compression may come first, whether its allocations above target are held, and
     * whether it is held near its target by reclaiming above it without a hard stop (throttling).
     * A simulated host moves its swapper toward these; a real one sets the VM's memory cgroup (and
     * the host's compressed swap cache).
     *
     * @param vm                 the VM's name
     * @param targetBytes        machine memory the VM should hold
     * @param swapTargetBytes    swapped or compressed at least (0 = no host swapping)
     * @param compressionAllowed whether pages may be compressed before they are swapped
     * @param blockAllocations   whether the VM's new allocations wait while it is above target
     * @param throttle           whether the host reclaims what the VM holds above its target, at once and as it
     *                           allocates, slowing it rather than refusing memory (cgroup v2 memory.high)
     */
    record HostReclaim(String vm, long targetBytes, long swapTargetBytes, boolean compressionAllowed,
                       boolean blockAllocations, boolean throttle) implements Action {
        /** Validates the sizes. */
        public HostReclaim {
            if (targetBytes < 0 || swapTargetBytes < 0) {
                throw new IllegalArgumentException("negative size for " + vm + ": target=" + targetBytes + " swap=" + swapTargetBytes);
            }
        }

        /** A reclaim that does not throttle. */
        public HostReclaim(String vm, long targetBytes, long swapTargetBytes, boolean compressionAllowed, boolean blockAllocations) {
            this(vm, targetBytes, swapTargetBytes, compressionAllowed, blockAllocations, false);
        }

        @Override public String kind() { return "reclaim"; }
    }

    /**
     * Set the host's page-sharing scan rate (0 stops the scanner).
     *
     * @param pagesPerSecond pages per second the host should scan for identical content
     */
    record SharingRate(long pagesPerSecond) implements Action {
        /** Validates the rate. */
        public SharingRate {
            if (pagesPerSecond < 0) throw new IllegalArgumentException("pagesPerSecond < 0: " + pagesPerSecond);
        }

        @Override public String kind() { return "sharing"; }

        @Override public String vm() { return null; }
    }
}
