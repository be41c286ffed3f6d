package dev.memvisor.core.control;

/** Why the control loop decided: its regular interval, or a host memory state change between intervals. */
public enum Trigger {
    /** The regular control interval (ESX: rebalance every 15 s). */
    INTERVAL,
    /** The host memory state changed between intervals (ESX: "on large changes in free memory"). */
    STATE;

    /** The lower-case name used in logs and JSON. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
