package dev.memvisor.cli.migrate;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code memvisor migrate}: Live-migrate a running guest (issue 6; not built yet). */
@Command(name = "migrate", mixinStandardHelpOptions = true, description = "Live-migrate a running guest (not built yet).")
public final class MigrateCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("memvisor migrate: not built yet (issue 6)");
        return 3;
    }
}
