package dev.memvisor.core.counter;

/** The unit a counter is kept in, as esxtop writes it, and how it converts to Prometheus' base units. */
public enum Unit {
    /** Mebibytes (esxtop's "MBytes"); base unit bytes. */
    MBYTES("MB", "bytes", 1024.0 * 1024.0),
    /** Mebibytes per second; base unit bytes per second. */
    MBYTES_PER_SEC("MB/s", "bytes_per_second", 1024.0 * 1024.0),
    /** Percent of one processor (esxtop's group CPU counters); base unit ratio. */
    PERCENT("%", "ratio", 0.01),
    /** A host memory state number (esxtop's Kernel State). */
    STATE("", "", 1),
    /** A yes/no flag written as 1/0 (esxtop's "Memctl?"). */
    FLAG("", "", 1),
    /** A plain number. */
    COUNT("", "", 1);

    private final String symbol;
    private final String baseUnit;
    private final double toBase;

    Unit(String symbol, String baseUnit, double toBase) {
        this.symbol = symbol;
        this.baseUnit = baseUnit;
        this.toBase = toBase;
    }

    /** What follows a value in a table ({@code MB}, {@code MB/s}, {@code %}), or empty. */
    public String symbol() { return symbol; }

    /** The Prometheus base unit suffix ({@code bytes}, {@code ratio}), or empty for a plain number. */
    public String baseUnit() { return baseUnit; }

    /** Multiplies a value in this unit into the base unit. */
    public double toBase(double value) { return value * toBase; }
}
