package dev.memvisor.sim.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes every output of one run into a directory. */
public final class Reports {
    private Reports() {}

    /** Writes summary.json, timeseries.csv, esxtop.csv, cpu.csv and report.html into {@code dir}, creating it. */
    public static void writeAll(SimResult r, Path dir) throws IOException {
        Files.createDirectories(dir);
        SummaryWriter.write(r, dir);
        TimeseriesCsvWriter.write(r, dir);
        EsxtopCsvWriter.write(r, dir);
        CpuCsvWriter.write(r, dir);
        HtmlReportWriter.write(r, dir);
    }
}
