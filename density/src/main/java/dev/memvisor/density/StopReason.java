package dev.memvisor.density;

/** Why a policy's run stopped admitting guests. */
public enum StopReason {
    /** The 95th percentile guest slowdown passed the bound. */
    SLOWDOWN("slowdown"),
    /** A guest's workload was OOM-killed (the guest's console says so) or its QEMU was killed by the host. */
    OOM("oom"),
    /** The host swapped more than the bound. */
    HOST_SWAP("host-swap"),
    /** The next guest's reservation and overhead did not fit the host (admission control). */
    ADMISSION("admission"),
    /** Every guest of the mix was admitted. */
    ALL_ADMITTED("all-admitted"),
    /** A guest did not start (QEMU failed or the guest did not boot in time). */
    START_FAILED("start-failed");

    private final String label;

    StopReason(String label) {
        this.label = label;
    }

    /** The name in JSON and tables. */
    public String label() { return label; }
}
