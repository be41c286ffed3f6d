package dev.memvisor.cli.measure;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.memvisor.measure.cpu.CorrectionResult;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;

/** How {@code correct-cpu} and {@code measure cpu} print their windows: a table, {@code --csv} or {@code --json}. */
final class CorrectionFormat {
    @Option(names = "--csv", description = "Print CSV: " + CorrectionOutput.CSV_HEADER)
    boolean csv;

    @Option(names = "--json", description = "Print JSON: {vm, windows: [{start, end, hostCpuPct, guestCpuPct, w, processes}]}")
    boolean json;

    /** Prints {@code r} in the chosen form. */
    void print(CorrectionResult r, PrintWriter out) throws IOException {
        if (json) {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            out.println(mapper.writeValueAsString(CorrectionOutput.json(mapper, r)));
        } else if (csv) {
            CorrectionOutput.csv(r, out);
        } else {
            CorrectionOutput.table(r, out);
        }
        out.flush();
    }
}
