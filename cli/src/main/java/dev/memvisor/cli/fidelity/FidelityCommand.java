package dev.memvisor.cli.fidelity;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code memvisor fidelity}: runs the sources' published results in the simulator and compares. */
@Command(name = "fidelity", mixinStandardHelpOptions = true,
        description = {"Run every published result of the sources (examples/fidelity/fidelity.yaml: each row its source, set-up,"
                + " published figure and band) in the simulator with its defaults, and print published | simulated | error | verdict.",
                "Exit 0 when every row is where the manifest expects it (in its band, or out of it for a known miss), 3 when not."})
public final class FidelityCommand implements Callable<Integer> {
    /** Exit status when a row is not where the manifest expects it. */
    public static final int OUT_OF_BAND = 3;

    @Spec CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "MANIFEST.yaml",
            description = "The manifest (default: examples/fidelity/fidelity.yaml of the installation).")
    Path manifest;

    @Option(names = "--out", paramLabel = "DIR", description = "Also write fidelity.json and report.html into DIR.")
    Path out;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path m = manifest != null ? manifest
                : Path.of(System.getProperty("memvisor.home", ".")).resolve("examples").resolve("fidelity").resolve("fidelity.yaml");
        if (!Files.isRegularFile(m)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), m + ": no such manifest (give MANIFEST.yaml)");
        }
        List<FidelityRow> rows = new FidelityRun(m, err).measure();
        FidelityReport.print(rows, o);
        if (out != null) {
            FidelityReport.write(rows, out);
            o.println("wrote " + out.resolve("report.html") + " and " + out.resolve("fidelity.json"));
        }
        o.flush();
        return rows.stream().allMatch(FidelityRow::asExpected) ? 0 : OUT_OF_BAND;
    }
}
