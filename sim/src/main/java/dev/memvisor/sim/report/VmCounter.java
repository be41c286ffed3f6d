package dev.memvisor.sim.report;

/**
 * Every per-VM counter the simulator records, declared once: its esxtop name (the CSV column),
 * and its esxtop batch object and counter, so timeseries.csv, esxtop.csv and report.html agree.
 */
public enum VmCounter {
    /** Guest memory backed by machine memory, MB. */
    GRANT("GRANT", "Group Memory", "Memory Granted Size MBytes"),
    /** Machine memory the VM costs after sharing, MB. */
    CONSUMED("CONSUMED", "Group Memory", "Memory Consumed Size MBytes"),
    /** Active memory estimate, MB. */
    ACTV("ACTV", "Group Memory", "Touched MBytes"),
    /** Balloon size, MB. */
    MCTLSZ("MCTLSZ", "Group Memory", "Memctl MBytes"),
    /** Balloon target, MB. */
    MCTLTGT("MCTLTGT", "Group Memory", "Memctl Target MBytes"),
    /** Memory in the hypervisor swap, MB. */
    SWCUR("SWCUR", "Group Memory", "Swapped MBytes"),
    /** Hypervisor swap-in rate, MB/s. */
    SWR("SWR/s", "Group Memory", "Swap Read MBytes/sec"),
    /** Hypervisor swap-out rate, MB/s. */
    SWW("SWW/s", "Group Memory", "Swap Written MBytes/sec"),
    /** Guest memory mapped to shared frames, MB. */
    SHRD("SHRD", "Group Memory", "Shared MBytes"),
    /** Memory saved by sharing, MB. */
    SHRDSVD("SHRDSVD", "Group Memory", "Shared Saved MBytes"),
    /** Shared zero pages, MB. */
    ZERO("ZERO", "Group Memory", "Zero MBytes"),
    /** Guest memory held compressed, MB. */
    ZIP("ZIP", "Group Memory", "Compressed Memory MBytes"),
    /** CPU the VM used as the host measures it, % of one core. */
    USED("%USED", "Group Cpu", "% Used"),
    /** Time runnable but waiting for a core, % of one core. */
    RDY("%RDY", "Group Cpu", "% Ready"),
    /** CPU the guest's own accounting reports (_Total), % of one processor. */
    GUEST("%GUEST", "Guest Cpu", "% Processor Time");

    private final String column;
    private final String object;
    private final String counter;

    VmCounter(String column, String object, String counter) {
        this.column = column;
        this.object = object;
        this.counter = counter;
    }

    /** The esxtop-style column name. */
    public String column() { return column; }

    /** The esxtop batch object ({@code Group Memory}, {@code Group Cpu}). */
    public String object() { return object; }

    /** The esxtop batch counter name. */
    public String counter() { return counter; }
}
