package dev.memvisor.cli.sim;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code memvisor bench}: Measure the simulator's speed (issue 3; not built yet). */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure the simulator's speed (not built yet).")
public final class BenchCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("memvisor bench: not built yet (issue 3)");
        return 3;
    }
}
