package dev.memvisor.cli.measure;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code memvisor analyze}: analyses of exported counter files; one subcommand per format. */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = "Analyze exported counters (esxtop batch CSV).",
        subcommands = {AnalyzeEsxtopCommand.class})
public final class AnalyzeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("memvisor analyze: name what to analyze, e.g. 'memvisor analyze esxtop FILE --out DIR'");
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }
}
