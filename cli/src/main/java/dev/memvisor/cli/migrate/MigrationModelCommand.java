package dev.memvisor.cli.migrate;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code memvisor migration-model}: the simulator's pre-copy live-migration model (issue 6; not built yet). */
@Command(name = "migration-model", mixinStandardHelpOptions = true,
        description = "Model a pre-copy live migration page by page, with and without knowledge of free pages (not built yet).")
public final class MigrationModelCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("memvisor migration-model: not built yet (issue 6)");
        return 3;
    }
}
