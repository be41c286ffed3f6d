package dev.memvisor.cli.fidelity;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memvisor.report.BarChart;
import dev.memvisor.report.ReportPage;
import dev.memvisor.report.Table;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The fidelity table as text (stdout), fidelity.json and report.html (the report module's page). */
public final class FidelityReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private FidelityReport() {}

    /** The table: row | published | simulated | error | verdict, then each known miss's reason. */
    public static void print(List<FidelityRow> rows, PrintWriter out) {
        int w = Math.max(8, rows.stream().mapToInt(r -> r.id().length()).max().orElse(8));
        String fmt = "%-" + w + "s  %12s  %12s  %8s  %-20s  %s%n";
        out.printf(Locale.ROOT, fmt, "row", "published", "simulated", "error", "band", "verdict");
        for (FidelityRow r : rows) {
            out.printf(Locale.ROOT, fmt, r.id(), r.show(r.published()), r.show(r.simulated()),
                    String.format(Locale.ROOT, "%+.0f %%", 100 * r.error()), r.band(), r.verdict());
        }
        for (FidelityRow r : rows) if (!r.why().isBlank()) out.printf(Locale.ROOT, "%s: %s%n", r.id(), r.why());
        out.flush();
    }

    /** Writes fidelity.json and report.html into {@code dir}. */
    public static void write(List<FidelityRow> rows, Path dir) throws IOException {
        Files.createDirectories(dir);
        ObjectNode root = JSON.createObjectNode();
        ArrayNode arr = root.putArray("rows");
        for (FidelityRow r : rows) {
            ObjectNode o = arr.addObject();
            o.put("id", r.id());
            o.put("source", r.source());
            o.put("claim", r.claim());
            o.put("published", r.published());
            o.put("simulated", r.simulated());
            o.put("error", r.error());
            ArrayNode band = o.putArray("band");
            band.add(r.low());
            band.add(r.high());
            o.put("inBand", r.inBand());
            o.put("expect", r.expect());
            o.put("verdict", r.verdict());
            if (!r.why().isBlank()) o.put("why", r.why());
        }
        Files.writeString(dir.resolve("fidelity.json"), JSON.writeValueAsString(root) + "\n");
        page(rows).write(dir.resolve("report.html"));
    }

    private static ReportPage page(List<FidelityRow> rows) {
        ReportPage p = new ReportPage("memvisor fidelity");
        p.paragraph("Each row runs a source's set-up in the simulator, with the simulator's defaults, and compares the"
                + " simulated figure with the published one. Inputs the sources do not give are stated in each scenario file.");
        Table t = new Table("row", "source", "claim", "published", "simulated", "error", "band", "verdict");
        for (FidelityRow r : rows) {
            t.row(r.id(), r.source(), r.claim(), r.show(r.published()), r.show(r.simulated()),
                    String.format(Locale.ROOT, "%+.0f %%", 100 * r.error()), r.band(), r.verdict());
        }
        p.table(t);
        p.heading("Simulated over published");
        p.chart(new BarChart("simulated / published (1 = the published figure)", "x", rows.stream().map(FidelityRow::id).toList())
                .series("simulated / published", rows.stream().mapToDouble(r -> r.simulated() / r.published()).toArray()));
        List<String> notes = rows.stream().filter(r -> !r.why().isBlank()).map(r -> r.id() + ": " + r.why()).toList();
        if (!notes.isEmpty()) {
            p.heading("Notes");
            p.list(notes, false);
        }
        return p;
    }
}
