package dev.memvisor.fleet.spec;

/** {@code window}: which stretch of trace time the fleet is sized for. */
public final class WindowSpec {
    /** Trace time at which the window starts, after the earliest row of all the fleet's traces. */
    public String start = "0h";
    /** Trace time the window covers. */
    public String duration = "1h";
    /** Trace seconds per simulated second (simulated time = duration / timeScale). */
    public double timeScale = 1;
}
