package dev.memvisor.cli.sim;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code memvisor simulate}: Simulate one host and its VMs page by page under a policy (issue 3; not built yet). */
@Command(name = "simulate", mixinStandardHelpOptions = true, description = "Simulate one host and its VMs page by page under a policy (not built yet).")
public final class SimulateCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("memvisor simulate: not built yet (issue 3)");
        return 3;
    }
}
