package dev.memvisor.fleet.spec;

/** {@code placement}: the size each VM is packed by. */
public final class PlacementSpec {
    /** configured, reservation or demand. */
    public String rule = "configured";
    /** With rule demand: the percentile of each trace's memory used over the window. */
    public double percentile = 95;
}
