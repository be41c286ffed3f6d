package dev.memvisor.cli.migrate;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code memvisor scan}: Scan guest memory for zero, duplicate and free pages (issue 6; not built yet). */
@Command(name = "scan", mixinStandardHelpOptions = true, description = "Scan guest memory for zero, duplicate and free pages (not built yet).")
public final class ScanCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("memvisor scan: not built yet (issue 6)");
        return 3;
    }
}
