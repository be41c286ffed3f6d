package dev.memvisor.qemu.manager;

import java.util.Locale;

/** Why the manager decided: its regular control interval, or a host memory state change seen between intervals. */
public enum Trigger {
    /** The regular control interval came due. */
    INTERVAL,
    /** A state check between intervals saw the host memory state change (StateChangeTrigger's hysteresis). */
    STATE;

    /** The name in the decision log: "interval" or "state". */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
