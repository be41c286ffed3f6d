package dev.memvisor.fleet.placement;

import dev.memvisor.fleet.model.FleetVm;

import java.util.Locale;

/**
 * What a VM is packed by. Sources: first-fit-decreasing bin packing (Johnson 1973; as used for VM
 * consolidation by Verma et al., pMapper, Middleware 2008); sizing by reservation is vSphere's
 * admission control (vSphere Resource Management guide: reservations plus overhead must fit the
 * host); sizing by a percentile of the observed demand rather than its peak follows Verma,
 * Dasgupta et al., "Server workload analysis for power minimization using consolidation",
 * USENIX ATC 2009.
 */
public enum PlacementRule {
    /** Configured memory: no VM could ever be short of memory if it fits (no overcommit at one host per capacity). */
    CONFIGURED,
    /** Reservation: the floor ESX guarantees; packs tightest when reservations are small. */
    RESERVATION,
    /** A percentile of the memory each VM's trace used over the window. */
    DEMAND;

    /** The rule named {@code name}, or an IllegalArgumentException listing the names. */
    public static PlacementRule of(String name) {
        for (PlacementRule r : values()) if (r.label().equals(name)) return r;
        throw new IllegalArgumentException("got " + name + ", expected configured, reservation or demand");
    }

    /** The name in FLEET.yaml. */
    public String label() { return name().toLowerCase(Locale.ROOT); }

    /** The VM's size under this rule, before the host's per-VM overhead. */
    public long size(FleetVm vm) {
        return switch (this) {
            case CONFIGURED -> vm.configuredBytes();
            case RESERVATION -> vm.reservationBytes();
            case DEMAND -> vm.demandBytes();
        };
    }
}
