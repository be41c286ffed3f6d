package dev.memvisor.cli.sim;

import java.io.PrintWriter;

/** The simulator part of {@code memvisor demo} (issue 3; not built yet). */
public final class SimulatorDemo {
    /** Runs the demo, writing to {@code out}; returns the exit status. */
    public int run(PrintWriter out, PrintWriter err) {
        err.println("memvisor demo: the simulator demo is not built yet (issue 3)");
        return 3;
    }
}
