package dev.memvisor.cli;

import dev.memvisor.core.policy.PolicyRegistry;
import picocli.CommandLine.Command;

/** Lists the registered memory policies. */
@Command(name = "policies", mixinStandardHelpOptions = true, description = "List the memory policies memvisor knows.")
final class PoliciesCommand implements Runnable {
    @Override
    public void run() {
        PolicyRegistry.names().forEach(System.out::println);
    }
}
