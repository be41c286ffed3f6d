package dev.memvisor.sim.report;

/** Every host counter the simulator records, declared once with its esxtop batch name. */
public enum HostCounter {
    /** Free machine memory, MB. */
    FREE("FREE", "Free MBytes"),
    /** Memory state: 0 high, 1 soft, 2 hard, 3 low (esxtop's Kernel State). */
    STATE("STATE", "Kernel State"),
    /** Shared frames, MB (PShare Common). */
    SHARED_COMMON("PSHARE_COMMON", "PShare Common MBytes"),
    /** Memory saved by sharing, MB. */
    SHARED_SAVED("PSHARE_SAVED", "PShare Savings MBytes"),
    /** Hypervisor swap used, MB. */
    SWAP_USED("SWAP_USED", "Swap Used MBytes");

    private final String column;
    private final String counter;

    HostCounter(String column, String counter) {
        this.column = column;
        this.counter = counter;
    }

    /** The CSV column name. */
    public String column() { return column; }

    /** The esxtop batch counter name under the {@code Memory} object. */
    public String counter() { return counter; }
}
