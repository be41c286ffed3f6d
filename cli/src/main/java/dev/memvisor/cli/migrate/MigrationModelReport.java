package dev.memvisor.cli.migrate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.memvisor.sim.migration.CalibrationRow;
import dev.memvisor.sim.migration.DirtyModel;
import dev.memvisor.sim.migration.MigrationStrategy;
import dev.memvisor.sim.migration.PreCopyParams;
import dev.memvisor.sim.migration.PreCopyResult;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The text tables and JSON of {@code memvisor migration-model}: modelled results and model vs measured. */
final class MigrationModelReport {
    private static final double MIB = 1024.0 * 1024.0;

    private MigrationModelReport() {}

    /** The table of one modelled guest: a header line, then one row per strategy. */
    static String modelTable(String guestLine, DirtyModel d, PreCopyParams p, List<PreCopyResult> results) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s; writes %.0f pages/s (%s); link %.0f MiB/s, downtime limit %d ms%n%n", guestLine, d.pagesPerSecond(),
                d.locality().name().toLowerCase(Locale.ROOT), p.bandwidth() / MIB, p.downtimeLimitMicros() / 1000));
        sb.append(String.format(Locale.ROOT, "%-15s %12s %9s %10s %10s %10s %10s %10s  %s%n", "strategy", "transferred", "vs plain", "total ms",
                "downtime", "iterations", "zero pages", "balloon ms", "full pages per round (last = stop-and-copy)"));
        Double plain = results.stream().filter(r -> r.strategy() == MigrationStrategy.PLAIN).map(r -> (double) r.bytes()).findFirst().orElse(null);
        for (PreCopyResult r : results) {
            sb.append(String.format(Locale.ROOT, "%-15s %8.1f MiB %9s %10.0f %7.1f ms %10s %10d %10.0f  %s%n", r.strategy().cliName(), r.bytes() / MIB,
                    plain == null ? "-" : String.format(Locale.ROOT, "%.2fx", r.bytes() / plain), r.totalMicros() / 1000.0, r.downtimeMicros() / 1000.0,
                    r.iterations() + (r.converged() ? "" : "!"), r.zeroPages(), r.balloonMicros() / 1000.0, rounds(r.normalPagesPerRound())));
        }
        if (results.stream().anyMatch(r -> !r.converged())) sb.append("! the iteration cap stopped the live rounds: the downtime exceeds the limit\n");
        return sb.toString();
    }

    private static String rounds(long[] perRound) {
        StringBuilder sb = new StringBuilder();
        int shown = Math.min(perRound.length, 8);
        for (int i = 0; i < shown; i++) sb.append(i == 0 ? "" : " ").append(perRound[i]);
        if (perRound.length > shown) sb.append(" ... ").append(perRound[perRound.length - 1]);
        return sb.toString();
    }

    /** The JSON tree of one modelled guest (shape in README, outputs-migration). */
    static Map<String, Object> modelJson(Map<String, Object> guest, PreCopyParams p, List<PreCopyResult> results) {
        Map<String, Object> link = new LinkedHashMap<>();
        link.put("bandwidth_bytes_per_second", (long) p.bandwidth());
        link.put("stop_copy_bytes_per_second", (long) p.stopCopyBandwidth());
        link.put("downtime_limit_ms", p.downtimeLimitMicros() / 1000.0);
        link.put("page_header_bytes", p.pageHeaderBytes());
        link.put("zero_page_bytes", p.zeroPageBytes());
        link.put("max_iterations", p.maxIterations());
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("guest", guest);
        root.put("link", link);
        Long plain = results.stream().filter(r -> r.strategy() == MigrationStrategy.PLAIN).map(PreCopyResult::bytes).findFirst().orElse(null);
        List<Object> list = new ArrayList<>();
        for (PreCopyResult r : results) {
            Map<String, Object> m = resultJson(r);
            m.put("vs_plain", plain == null ? null : r.bytes() / (double) plain);
            list.add(m);
        }
        root.put("results", list);
        return root;
    }

    private static Map<String, Object> resultJson(PreCopyResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("strategy", r.strategy().cliName());
        m.put("transferred_bytes", r.bytes());
        m.put("total_time_ms", r.totalMicros() / 1000.0);
        m.put("downtime_ms", r.downtimeMicros() / 1000.0);
        m.put("iterations", r.iterations());
        m.put("converged", r.converged());
        m.put("normal_pages", r.normalPages());
        m.put("zero_pages", r.zeroPages());
        m.put("normal_pages_per_round", r.normalPagesPerRound());
        m.put("zero_pages_per_round", r.zeroPagesPerRound());
        m.put("skipped_free_pages", r.skippedFreePages());
        m.put("ballooned_pages", r.balloonedPages());
        m.put("balloon_time_ms", r.balloonMicros() / 1000.0);
        return m;
    }

    /** The model-vs-measured table. */
    static String calibrationTable(List<CalibrationRow> rows, PreCopyParams params) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "Model vs real (model: %.0f MiB/s, %d ms downtime limit, stop-and-copy %.0f MiB/s)%n%n",
                params.bandwidth() / MIB, params.downtimeLimitMicros() / 1000, params.stopCopyBandwidth() / MIB));
        sb.append(String.format(Locale.ROOT, "%-10s %-15s %11s %11s %8s %9s %9s %8s %7s %7s %6s %6s %7s %7s%n", "scenario", "strategy", "model MiB", "real MiB", "error",
                "model ms", "real ms", "error", "down ms", "real", "iter", "real", "zero", "real"));
        for (CalibrationRow r : rows) {
            sb.append(String.format(Locale.ROOT, "%-10s %-15s %11.1f %11.1f %+7.1f%% %9.0f %9d %+7.1f%% %7.0f %7d %6d %6d %7d %7d%n", r.scenario().name(),
                    r.strategy().cliName(), r.modelMiB(), r.measured().transferredMiB(), 100 * r.bytesError(), r.model().totalMicros() / 1000.0,
                    r.measured().totalMs(), 100 * r.timeError(), r.model().downtimeMicros() / 1000.0, r.measured().downtimeMs(), r.model().iterations(),
                    r.measured().iterations(), r.model().zeroPages(), r.measured().zeroPages()));
        }
        for (var s : rows.stream().map(CalibrationRow::scenario).distinct().toList()) sb.append("\n").append(s.name()).append(": ").append(s.description());
        return sb.append('\n').toString();
    }

    /** The model-vs-measured JSON tree. */
    static Map<String, Object> calibrationJson(List<CalibrationRow> rows) {
        List<Object> list = new ArrayList<>();
        for (CalibrationRow r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("scenario", r.scenario().name());
            m.put("description", r.scenario().description());
            m.put("strategy", r.strategy().cliName());
            m.put("model", resultJson(r.model()));
            Map<String, Object> real = new LinkedHashMap<>();
            real.put("transferred_bytes", Math.round(r.measured().transferredMiB() * MIB));
            real.put("total_time_ms", r.measured().totalMs());
            real.put("downtime_ms", r.measured().downtimeMs());
            real.put("iterations", r.measured().iterations());
            real.put("zero_pages", r.measured().zeroPages());
            m.put("measured", real);
            m.put("bytes_error", r.bytesError());
            m.put("time_error", r.timeError());
            m.put("downtime_difference_ms", r.downtimeDifferenceMs());
            list.add(m);
        }
        return Map.of("rows", list);
    }

    /** Indented JSON with a final newline. */
    static String toJson(Object o) throws Exception {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o) + "\n";
    }
}
