package dev.memvisor.cli.qemu;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code memvisor top}: Show a live esxtop-like table of the managed guests (issue 4; not built yet). */
@Command(name = "top", mixinStandardHelpOptions = true, description = "Show a live esxtop-like table of the managed guests (not built yet).")
public final class TopCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("memvisor top: not built yet (issue 4)");
        return 3;
    }
}
