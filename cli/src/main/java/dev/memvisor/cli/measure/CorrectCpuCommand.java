package dev.memvisor.cli.measure;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code memvisor correct-cpu}: Correct guest-reported CPU with host measurements (issue 5; not built yet). */
@Command(name = "correct-cpu", mixinStandardHelpOptions = true, description = "Correct guest-reported CPU with host measurements (not built yet).")
public final class CorrectCpuCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("memvisor correct-cpu: not built yet (issue 5)");
        return 3;
    }
}
