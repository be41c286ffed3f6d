package dev.memvisor.cli.measure;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code memvisor measure}: Measure a real guest's CPU and correct it (issue 5; not built yet). */
@Command(name = "measure", mixinStandardHelpOptions = true, description = "Measure a real guest's CPU and correct it (not built yet).")
public final class MeasureCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("memvisor measure: not built yet (issue 5)");
        return 3;
    }
}
