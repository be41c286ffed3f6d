package dev.memvisor.cli;

import dev.memvisor.cli.demo.PolicyDemo;
import dev.memvisor.cli.qemu.RealDemo;
import dev.memvisor.cli.sim.SimulatorDemo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The main job's demonstration: the simulator by default, real QEMU guests with {@code --real}. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Show memvisor at work: a simulated overcommitted host (default), the policies on one"
                + " host view (--policies), or real QEMU guests (--real).")
final class DemoCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--real", description = "Start real QEMU guests and manage them (needs qemu-system-x86).")
    boolean real;

    @Option(names = "--policies", description = "Only show each policy's plan for one small host.")
    boolean policies;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        if (real) return new RealDemo().run(out, err);
        if (policies) return new PolicyDemo().run(out, err);
        return new SimulatorDemo().run(out, err);
    }
}
