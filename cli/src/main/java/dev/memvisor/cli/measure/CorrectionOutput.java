package dev.memvisor.cli.measure;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memvisor.measure.cpu.CorrectionResult;
import dev.memvisor.measure.cpu.CorrectionWindow;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/** The three renderings of a CPU correction (table, CSV, JSON), from the same result. */
final class CorrectionOutput {
    /** CSV header: one row per window and process, plus a {@code _Total} row per window. */
    static final String CSV_HEADER = "start,end,hostCpuPct,guestCpuPct,w,process,reportedPct,correctedPct";

    private CorrectionOutput() {}

    static void table(CorrectionResult r, PrintWriter out) {
        out.printf(Locale.ROOT, "VM %s: %d vCPUs, clock offset %s s (%s), windows of %d s; CPU in %% of one processor%n",
                r.vm(), r.vcpus(), num(r.offsetMillis() / 1000.0), r.offsetEstimated() ? "estimated" : "given", r.windowMillis() / 1000);
        for (CorrectionWindow w : r.windows()) {
            out.printf(Locale.ROOT, "%n%s .. %s   host %8s   guest %8s   w %7s%n", Instant.ofEpochMilli(w.start()), Instant.ofEpochMilli(w.end()),
                    num(w.hostCpuPct()), num(w.guestCpuPct()), num3(w.w()));
            if (!w.processes().isEmpty()) out.printf(Locale.ROOT, "  %-32s %10s %10s%n", "process", "reported", "corrected");
            for (Map.Entry<String, CorrectionWindow.ProcessCpu> p : w.processes().entrySet()) {
                out.printf(Locale.ROOT, "  %-32s %10s %10s%n", p.getKey(), num(p.getValue().reportedPct()), num(p.getValue().correctedPct()));
            }
        }
        if (r.windows().isEmpty()) out.println("no complete window");
        out.flush();
    }

    static void csv(CorrectionResult r, PrintWriter out) {
        out.println(CSV_HEADER);
        for (CorrectionWindow w : r.windows()) {
            String prefix = Instant.ofEpochMilli(w.start()) + "," + Instant.ofEpochMilli(w.end()) + "," + raw(w.hostCpuPct()) + ","
                    + raw(w.guestCpuPct()) + "," + raw(w.w()) + ",";
            out.println(prefix + "_Total," + raw(w.guestCpuPct()) + "," + raw(w.w() * w.guestCpuPct()));
            for (Map.Entry<String, CorrectionWindow.ProcessCpu> p : w.processes().entrySet()) {
                out.println(prefix + quote(p.getKey()) + "," + raw(p.getValue().reportedPct()) + "," + raw(p.getValue().correctedPct()));
            }
        }
        out.flush();
    }

    static ObjectNode json(ObjectMapper json, CorrectionResult r) {
        ObjectNode root = json.createObjectNode();
        root.put("vm", r.vm());
        root.put("vcpus", r.vcpus());
        root.put("clockOffsetSeconds", r.offsetMillis() / 1000.0);
        root.put("clockOffsetEstimated", r.offsetEstimated());
        root.put("windowSeconds", r.windowMillis() / 1000.0);
        ArrayNode ws = root.putArray("windows");
        for (CorrectionWindow w : r.windows()) {
            ObjectNode o = ws.addObject();
            o.put("start", Instant.ofEpochMilli(w.start()).toString());
            o.put("end", Instant.ofEpochMilli(w.end()).toString());
            number(o, "hostCpuPct", w.hostCpuPct());
            number(o, "guestCpuPct", w.guestCpuPct());
            number(o, "w", w.w());
            ObjectNode procs = o.putObject("processes");
            for (Map.Entry<String, CorrectionWindow.ProcessCpu> p : w.processes().entrySet()) {
                ObjectNode po = procs.putObject(p.getKey());
                number(po, "reportedPct", p.getValue().reportedPct());
                number(po, "correctedPct", p.getValue().correctedPct());
            }
        }
        ArrayNode warnings = root.putArray("warnings");
        r.warnings().forEach(warnings::add);
        return root;
    }

    private static void number(ObjectNode o, String k, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) o.putNull(k);
        else o.put(k, v);
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String num3(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String raw(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v);
    }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
