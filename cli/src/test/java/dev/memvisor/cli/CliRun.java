package dev.memvisor.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What the real command line returned and printed, run in-process: the tests' way to run a command
 * end to end without a second JVM. Runs are serialised because {@code System.out} is global.
 */
public record CliRun(int status, String out, String err) {
    /** Runs {@code memvisor ARGS...} and captures its exit status, stdout and stderr. */
    public static synchronized CliRun of(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = -1;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            status = Main.run(args);
            return new CliRun(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            // a failing command's stderr also goes to the test log, where a failed assertion needs it
            if (status != 0) oldErr.print(err.toString(StandardCharsets.UTF_8));
        }
    }
}
