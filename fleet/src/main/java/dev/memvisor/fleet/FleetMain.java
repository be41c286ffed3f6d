package dev.memvisor.fleet;

import picocli.CommandLine;

/**
 * Entry point of {@code memvisor fleet}, in its own jar so the other commands never load Spark
 * ({@code ./memvisor fleet ...} runs it; so does {@code spark-submit --class dev.memvisor.fleet.FleetMain}).
 */
public final class FleetMain {
    private FleetMain() {}

    /** Runs the command and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command: 0 done, 1 failure, 2 usage error, 3 a policy met the bound at no host count tried. */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new FleetCommand());
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            c.getErr().println("memvisor fleet: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            if (System.getenv("MEMVISOR_DEBUG") != null) ex.printStackTrace(c.getErr());
            c.getErr().flush();
            return 1;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("memvisor fleet: " + ex.getMessage());
            ex.getCommandLine().getErr().println("Try 'memvisor fleet --help' for the options.");
            return 2;
        });
        return cl.execute(args);
    }
}
