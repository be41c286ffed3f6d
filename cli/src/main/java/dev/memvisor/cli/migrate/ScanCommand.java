package dev.memvisor.cli.migrate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.memvisor.core.unit.Size;
import dev.memvisor.qemu.collect.KsmStats;
import dev.memvisor.qemu.collect.QemuProcessStats;
import dev.memvisor.qemu.launch.QemuProcessFinder;
import dev.memvisor.qemu.qmp.GuestStats;
import dev.memvisor.qemu.qmp.QmpClient;
import dev.memvisor.qemu.qmp.QmpException;
import dev.memvisor.qemu.scan.GuestScan;
import dev.memvisor.qemu.scan.MemorySource;
import dev.memvisor.qemu.scan.PageScanner;
import dev.memvisor.qemu.scan.ScanSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code memvisor scan}: streams guest memory (running guests through /proc/PID/mem, or dump files)
 * and reports zero pages, duplicates within and across guests (the upper bound of page sharing),
 * the guests' own free memory and what KSM merged.
 */
@Command(name = "scan", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Scan guest memory for zero, duplicate and free pages and compare with what KSM merged.",
                "Sources: running guests (--vm, read through /proc/PID/mem; needs root) and dump files (raw, or ELF from QMP dump-guest-memory)."})
public final class ScanCommand implements Callable<Integer> {
    private static final long PAGE = 4096;

    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "Memory dumps: raw, or ELF as QMP dump-guest-memory writes them.")
    List<Path> files = new ArrayList<>();

    @Option(names = "--vm", paramLabel = "NAME", description = "A running guest (repeat for cross-guest duplicates): its directory under --run-dir or its QMP socket.")
    List<String> vms = new ArrayList<>();

    @Option(names = "--run-dir", defaultValue = VmSocket.DEFAULT_RUN_DIR, paramLabel = "DIR", description = "Directory with one directory per guest; default ${DEFAULT-VALUE}.")
    Path runDir;

    @Option(names = "--proc", defaultValue = "/proc", hidden = true)
    Path proc;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    /** One source with what the host and the guest say about it. */
    private record Row(GuestScan scan, long guestFreeBytes, long ksmMergingPages) {}

    @Override
    public Integer call() throws Exception {
        if (files.isEmpty() && vms.isEmpty()) throw new ParameterException(spec.commandLine(), "give dump FILEs or --vm NAME (or both)");
        if (files.size() + vms.size() > PageScanner.MAX_GUESTS) throw new ParameterException(spec.commandLine(), "at most " + PageScanner.MAX_GUESTS + " sources per scan");
        PrintWriter err = spec.commandLine().getErr();
        PageScanner scanner = new PageScanner(1 << 18);
        List<Row> rows = new ArrayList<>();
        for (Path f : files) {
            try (MemorySource src = MemorySource.ofFile(f)) {
                err.println("scanning " + f + " (" + Size.format(src.sizeBytes()) + ")");
                rows.add(new Row(scanner.scan(src, b -> err.println("  " + Size.format(b) + " done")), -1, -1));
            }
        }
        for (String vm : vms) rows.add(scanVm(vm, scanner, err));
        ScanSummary sum = scanner.summary();
        KsmStats ksm = KsmStats.available(KsmStats.SYSFS) ? KsmStats.read(KsmStats.SYSFS) : null;
        print(rows, sum, ksm);
        return 0;
    }

    private Row scanVm(String vm, PageScanner scanner, PrintWriter err) {
        Path socket = VmSocket.resolve(vm, runDir);
        long ram, free = -1;
        try (QmpClient q = QmpClient.connect(socket, Duration.ofSeconds(10))) {
            ram = q.execute("query-memory-size-summary", null).path("base-memory").asLong();
            try {
                GuestStats s = q.guestStats(q.findBalloonPath());
                if (s.reported()) free = s.freeBytes();
            } catch (QmpException e) {
                err.println("guest " + vm + ": no balloon statistics (" + e.getMessage() + "); free pages unknown");
            }
        } catch (QmpException e) {
            throw new IllegalStateException("guest " + vm + ": " + e.getMessage(), e);
        }
        long pid = QemuProcessFinder.pidForSocket(proc, socket).orElseThrow(() ->
                new IllegalStateException("guest " + vm + ": no QEMU process on this host serves " + socket));
        try (MemorySource src = MemorySource.ofProcess(proc, pid, ram, vm)) {
            err.println("scanning guest " + vm + " (pid " + pid + ", " + Size.format(ram) + " RAM)");
            GuestScan g = scanner.scan(src, b -> err.println("  " + Size.format(b) + " done"));
            long ksm = QemuProcessStats.read(proc, pid).ksmMergingPages();
            return new Row(g, free, ksm);
        }
    }

    private void print(List<Row> rows, ScanSummary sum, KsmStats ksm) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            List<Map<String, Object>> list = new ArrayList<>();
            for (Row r : rows) {
                GuestScan g = r.scan();
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("name", g.name());
                e.put("bytes", g.bytes());
                e.put("pages", g.pages());
                e.put("zero_pages", g.zeroPages());
                e.put("duplicate_pages", g.duplicatePages());
                e.put("distinct_nonzero_pages", g.distinctNonZero());
                e.put("guest_free_bytes", r.guestFreeBytes());
                e.put("ksm_merging_pages", r.ksmMergingPages());
                e.put("seconds", g.nanos() / 1e9);
                e.put("gb_per_s", round(g.gbPerSecond()));
                list.add(e);
            }
            m.put("sources", list);
            m.put("pages", sum.pages());
            m.put("zero_pages", sum.zeroPages());
            m.put("distinct_nonzero_pages", sum.distinctNonZero());
            m.put("cross_guest_pages", sum.crossGuestPages());
            m.put("sharable_pages", sum.sharablePages());
            m.put("sharable_bytes", sum.sharablePages() * PAGE);
            if (ksm != null) {
                m.put("ksm_run", ksm.run());
                m.put("ksm_pages_sharing", ksm.pagesSharing());
                m.put("ksm_pages_shared", ksm.pagesShared());
            }
            m.put("gb_per_s", round(sum.gbPerSecond()));
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m));
        } else {
            out.printf("%-24s %10s %10s %10s %10s %10s %10s %10s %8s%n", "SOURCE", "SIZE", "PAGES", "ZERO", "DUP", "DISTINCT", "GUESTFREE", "KSM", "GB/S");
            for (Row r : rows) {
                GuestScan g = r.scan();
                out.printf("%-24s %10s %10d %10d %10d %10d %10s %10s %8.2f%n", g.name(), Size.format(g.bytes()), g.pages(), g.zeroPages(),
                        g.duplicatePages(), g.distinctNonZero(), r.guestFreeBytes() < 0 ? "-" : Size.format(r.guestFreeBytes()),
                        r.ksmMergingPages() < 0 ? "-" : Long.toString(r.ksmMergingPages()), g.gbPerSecond());
            }
            out.printf("%nzero pages           %d (%s)%n", sum.zeroPages(), Size.format(sum.zeroPages() * PAGE));
            out.printf("duplicates across    %d pages beyond those within each source%n", sum.crossGuestPages());
            out.printf("sharing upper bound  %d pages (%s): every page beyond the first of its content%n", sum.sharablePages(), Size.format(sum.sharablePages() * PAGE));
            if (ksm != null) {
                out.printf("KSM merged           pages_sharing %d (%s), pages_shared %d, run=%d%n", ksm.pagesSharing(),
                        Size.format(ksm.pagesSharing() * PAGE), ksm.pagesShared(), ksm.run());
            }
            out.printf("scan rate            %.2f GB/s over %s%n", sum.gbPerSecond(), Size.format(sum.bytes()));
        }
        out.flush();
    }

    /** Three significant digits: a small dump scanned on a busy machine is 0.00412 GB/s, not 0.00. */
    private static double round(double v) {
        if (v == 0 || !Double.isFinite(v)) return v;
        return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).doubleValue();
    }
}
