package dev.memvisor.cli.demo;

import java.io.PrintWriter;

/** The policy part of {@code memvisor demo} (issue 2; not built yet). */
public final class PolicyDemo {
    /** Runs the demo, writing to {@code out}; returns the exit status. */
    public int run(PrintWriter out, PrintWriter err) {
        err.println("memvisor demo: the policy demo is not built yet (issue 2)");
        return 3;
    }
}
