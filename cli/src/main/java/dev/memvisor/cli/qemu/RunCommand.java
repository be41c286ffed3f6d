package dev.memvisor.cli.qemu;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code memvisor run}: Run the memory manager on this host's QEMU guests (issue 4; not built yet). */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run the memory manager on this host's QEMU guests (not built yet).")
public final class RunCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("memvisor run: not built yet (issue 4)");
        return 3;
    }
}
