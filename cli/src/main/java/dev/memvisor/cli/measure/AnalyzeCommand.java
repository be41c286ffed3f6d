package dev.memvisor.cli.measure;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code memvisor analyze}: Analyze an esxtop batch export (issue 5; not built yet). */
@Command(name = "analyze", mixinStandardHelpOptions = true, description = "Analyze an esxtop batch export (not built yet).")
public final class AnalyzeCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("memvisor analyze: not built yet (issue 5)");
        return 3;
    }
}
