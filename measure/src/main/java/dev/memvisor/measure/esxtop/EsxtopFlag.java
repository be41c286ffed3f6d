package dev.memvisor.measure.esxtop;

/** The conditions an analyst looks for in an esxtop capture, with the thresholds memvisor uses. */
public enum EsxtopFlag {
    /** Balloon and host swap both hold memory of the same VM (or host) in one sample: reclamation fell through to swapping. */
    BALLOONING_AND_SWAPPING("ballooning-and-swapping", "the balloon and host swap held memory at the same time"),
    /** Pages moved to or from host swap during the capture. */
    SWAPPING_ACTIVE("swapping-active", "pages were swapped in or out by the host during the capture"),
    /** Mean ready time above 10 % per vCPU: the VM waited for a processor. */
    READY_ABOVE_10("ready-above-10pct", "mean CPU ready above 10 % per vCPU"),
    /** Mean co-stop above 3 % per vCPU: SMP skew holds vCPUs back. */
    COSTOP_ABOVE_3("costop-above-3pct", "mean co-stop above 3 % per vCPU"),
    /** Page sharing saves at least a quarter of granted memory (of machine memory for the host). */
    LARGE_SHARING_SAVINGS("large-sharing-savings", "page sharing saves at least 25 % of granted memory (10 % of machine memory for the host)"),
    /** The host left the high state (ESXi 6+: clear = page sharing, soft = balloon, hard = swap, low = block). */
    MEMORY_STATE_NOT_HIGH("memory-state-not-high", "the host memory state left 'high' (clear, soft, hard or low)"),
    /** The host reached the soft state or a worse one: memory was reclaimed by ballooning, compression or swapping. */
    MEMORY_STATE_SOFT_OR_WORSE("memory-state-soft-or-worse", "the host memory state reached 'soft' or worse (ballooning, compression, host swapping)");

    private final String id;
    private final String meaning;

    EsxtopFlag(String id, String meaning) {
        this.id = id;
        this.meaning = meaning;
    }

    /** The name written in summary.json. */
    public String id() { return id; }

    /** A one-line explanation for the report. */
    public String meaning() { return meaning; }
}
