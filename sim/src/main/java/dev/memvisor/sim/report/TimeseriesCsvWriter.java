package dev.memvisor.sim.report;

import dev.memvisor.core.counter.Counter;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes timeseries.csv: per sample a row per VM (the counters of {@link SimCounters#VM}, named by their
 * esxtop field, memory in MB) and a row {@code _host} ({@link SimCounters#HOST}); a row leaves the other
 * kind's columns empty.
 */
public final class TimeseriesCsvWriter {
    private TimeseriesCsvWriter() {}

    /** Writes {@code timeseries.csv} into {@code dir}. */
    public static void write(SimResult r, Path dir) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("timeseries.csv"))) {
            StringBuilder h = new StringBuilder("timeSeconds,name");
            for (Counter c : SimCounters.VM) h.append(',').append(c.field());
            for (Counter c : SimCounters.HOST) h.append(',').append(c.field());
            w.write(h.append('\n').toString());
            int vmCols = SimCounters.VM.size(), hostCols = SimCounters.HOST.size();
            for (int s = 0; s < r.times.size(); s++) {
                String t = Num.fmt(r.times.get(s), 3);
                for (SimResult.VmRecord v : r.vms) {
                    StringBuilder row = new StringBuilder(t).append(',').append(v.name);
                    for (Counter c : SimCounters.VM) row.append(',').append(Num.fmt(v.series(c).get(s), 3));
                    row.append(",".repeat(hostCols)).append('\n');
                    w.write(row.toString());
                }
                StringBuilder row = new StringBuilder(t).append(",_host").append(",".repeat(vmCols));
                for (Counter c : SimCounters.HOST) row.append(',').append(Num.fmt(r.series(c).get(s), 3));
                w.write(row.append('\n').toString());
            }
        }
    }
}
