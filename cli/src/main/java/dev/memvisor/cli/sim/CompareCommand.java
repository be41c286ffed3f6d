package dev.memvisor.cli.sim;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code memvisor compare}: Compare policies or settings on one scenario (issue 3; not built yet). */
@Command(name = "compare", mixinStandardHelpOptions = true, description = "Compare policies or settings on one scenario (not built yet).")
public final class CompareCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("memvisor compare: not built yet (issue 3)");
        return 3;
    }
}
