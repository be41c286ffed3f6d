package dev.memvisor.cli.qemu;

import java.io.PrintWriter;

/** The real part of {@code memvisor demo} (issue 4; not built yet). */
public final class RealDemo {
    /** Runs the demo, writing to {@code out}; returns the exit status. */
    public int run(PrintWriter out, PrintWriter err) {
        err.println("memvisor demo: the real demo is not built yet (issue 4)");
        return 3;
    }
}
