package dev.memvisor.cli.measure;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.memvisor.measure.esxtop.EntityReport;
import dev.memvisor.measure.esxtop.EsxtopAnalysis;
import dev.memvisor.measure.esxtop.EsxtopAnalyzer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code memvisor analyze esxtop FILE --out DIR}: memory and CPU contention report of an esxtop batch export. */
@Command(name = "esxtop", mixinStandardHelpOptions = true,
        description = "Memory and CPU contention of the host and each VM in an 'esxtop -b' export: writes report.html and summary.json.")
public final class AnalyzeEsxtopCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "esxtop batch CSV (PDH-CSV 4.0)")
    Path file;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "directory for report.html and summary.json (created)")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file + " (esxtop export): no such file");
        long start = System.nanoTime();
        long[] lastReport = {start};
        EsxtopAnalysis a = EsxtopAnalyzer.analyze(file, fraction -> {
            long now = System.nanoTime();
            if (now - lastReport[0] > 2_000_000_000L) { // progress only on long files, every 2 s
                lastReport[0] = now;
                System.err.printf("analyzing %s: %.0f %%%n", file, fraction * 100);
            }
        });
        Files.createDirectories(out);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        json.writeValue(out.resolve("summary.json").toFile(), EsxtopSummaryJson.build(json, a));
        Files.writeString(out.resolve("report.html"), EsxtopHtmlReport.render(a), StandardCharsets.UTF_8);
        if (a.vms().isEmpty()) System.err.println("warning: " + file + " has no VM groups (no vmx-vcpu worlds in the Vcpu object); the report covers the host only");
        System.err.printf("analyzed %s: %d samples, %d VMs in %.1f s%n", file, a.times().length, a.vms().size(), (System.nanoTime() - start) / 1e9);
        a.warnings().forEach(w -> System.err.println("warning: " + w));
        if (a.lastMemoryState() != null) {
            double pct = a.lastFreePctOfMinFree();
            System.out.println("host " + a.host().name() + ": memory state " + a.lastMemoryState().id()
                    + (Double.isNaN(pct) ? "" : String.format(java.util.Locale.ROOT, " (free memory %.0f %% of minFree)", pct))
                    + (a.host().flags().isEmpty() ? "" : "; " + String.join(", ", a.host().flags().stream().map(f -> f.id()).toList())));
        }
        for (EntityReport vm : a.vms()) {
            if (!vm.flags().isEmpty()) {
                System.out.println(vm.name() + ": " + String.join(", ", vm.flags().stream().map(f -> f.id()).toList()));
            }
        }
        System.out.println("wrote " + out.resolve("report.html") + " and " + out.resolve("summary.json"));
        return 0;
    }
}
