package dev.memvisor.cli.measure;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code memvisor measure}: measurements of real guests; {@code measure cpu} corrects a guest's CPU with the host's. */
@Command(name = "measure", mixinStandardHelpOptions = true, subcommands = MeasureCpuCommand.class,
        description = "Measure real QEMU guests. 'measure cpu --vm NAME' corrects a guest's own CPU figures with its vCPU threads' host CPU time.")
public final class MeasureCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "give a measurement: memvisor measure cpu --vm NAME");
    }
}
