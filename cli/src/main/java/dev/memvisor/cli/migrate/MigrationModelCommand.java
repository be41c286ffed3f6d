package dev.memvisor.cli.migrate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.memvisor.core.unit.Size;
import dev.memvisor.sim.migration.Calibration;
import dev.memvisor.sim.migration.CalibrationRow;
import dev.memvisor.sim.migration.DirtyModel;
import dev.memvisor.sim.migration.GuestPages;
import dev.memvisor.sim.migration.GuestProfile;
import dev.memvisor.sim.migration.Locality;
import dev.memvisor.sim.migration.MigrationStrategy;
import dev.memvisor.sim.migration.PreCopyModel;
import dev.memvisor.sim.migration.PreCopyParams;
import dev.memvisor.sim.migration.PreCopyResult;
import dev.memvisor.sim.engine.Simulation;
import dev.memvisor.sim.scenario.Scenario;
import dev.memvisor.sim.scenario.ScenarioLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code memvisor migration-model}: the simulator's pre-copy live-migration model (page by page,
 * QEMU's loop) for one guest under plain, free-page-hint and balloon-first, or, with
 * {@code --calibrate}, the model next to our real benchmark migrations.
 */
@Command(name = "migration-model", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Model a pre-copy live migration page by page, with and without knowledge of free pages.",
                "Prints bytes, total time, downtime, iterations and pages per round for each strategy; --calibrate compares the model with the real runs in BENCHMARKS.md."})
public final class MigrationModelCommand implements Callable<Integer> {
    private static final double MIB = 1024.0 * 1024.0;

    @Spec CommandSpec spec;

    @Option(names = "--memory", defaultValue = "512M", paramLabel = "SIZE", description = "Guest RAM; default ${DEFAULT-VALUE}.")
    String memory;

    @Option(names = "--used", defaultValue = "64M", paramLabel = "SIZE", description = "Memory in use the guest does not write while migrating (kernel, page cache); default ${DEFAULT-VALUE}.")
    String used;

    @Option(names = "--working-set", defaultValue = "0", paramLabel = "SIZE", description = "Memory in use the guest keeps writing; default ${DEFAULT-VALUE}.")
    String workingSet;

    @Option(names = "--freed", defaultValue = "0", paramLabel = "SIZE", description = "Memory the guest wrote then freed (free but not zero); the rest is never written (zero); default ${DEFAULT-VALUE}.")
    String freed;

    @Option(names = "--dirty-rate", paramLabel = "PAGES/S", description = "Page writes per second into the working set; default 0 (with --scenario: the VM's references per second x write fraction).")
    Double dirtyRate;

    @Option(names = "--locality", paramLabel = "KIND", description = "sequential (sweep in address order) or uniform (random pages); default sequential (with --scenario: uniform).")
    String locality;

    @Option(names = "--hot-fraction", defaultValue = "1", paramLabel = "F", description = "Writes go to this first fraction of the working set; default ${DEFAULT-VALUE}.")
    double hotFraction;

    @Option(names = "--bandwidth", defaultValue = "128M", paramLabel = "SIZE/S", description = "Rate limit of the live rounds (QEMU max-bandwidth); default ${DEFAULT-VALUE} per second.")
    String bandwidth;

    @Option(names = "--stop-copy-bandwidth", paramLabel = "SIZE/S", description = "Rate of the stop-and-copy (QEMU does not limit it: the link's speed); default = --bandwidth.")
    String stopCopyBandwidth;

    @Option(names = "--downtime-limit", defaultValue = "300", paramLabel = "MS", description = "Stop when the rest fits in this at the bandwidth (QEMU downtime-limit); default ${DEFAULT-VALUE} ms.")
    long downtimeLimitMs;

    @Option(names = "--max-iterations", defaultValue = "30", paramLabel = "N", description = "Cap on dirty-bitmap syncs, then stop and copy; default ${DEFAULT-VALUE}.")
    int maxIterations;

    @Option(names = "--page-overhead", defaultValue = "8", paramLabel = "BYTES", description = "Bytes sent with each page besides its 4 KiB; default ${DEFAULT-VALUE}.")
    int pageOverhead;

    @Option(names = "--headroom", paramLabel = "SIZE", description = "balloon-first leaves in-use memory plus this; default 1/16 of --memory.")
    String headroom;

    @Option(names = "--strategy", defaultValue = "all", paramLabel = "NAME", description = "plain, free-page-hint, balloon-first or all; default ${DEFAULT-VALUE}.")
    String strategy;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of uniform writes; default ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--scenario", paramLabel = "SCENARIO.yaml", description = "Take the guest from a simulation: run this scenario, then model migrating --vm as the run left it (--memory, --used, --working-set and --freed are then ignored).")
    Path scenario;

    @Option(names = "--vm", paramLabel = "NAME", description = "With --scenario: the VM to migrate; default the first.")
    String vm;

    @Option(names = "--set", paramLabel = "PATH=VALUE", description = "With --scenario: override a scenario field, as for simulate; repeatable.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--calibrate", description = "Run the model for the real benchmark's scenarios (a) and (b) and print model vs measured with the relative error.")
    boolean calibrate;

    @Option(names = "--json", description = "Print JSON (shape in README, Machine-readable outputs).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (calibrate) {
            List<CalibrationRow> rows = Calibration.load().run();
            out.print(json ? toJson(calibrationJson(rows)) : calibrationTable(rows));
            out.flush();
            return 0;
        }
        PreCopyParams params;
        List<MigrationStrategy> strategies;
        try {
            double bw = size("--bandwidth", bandwidth);
            params = new PreCopyParams(bw, stopCopyBandwidth == null ? bw : size("--stop-copy-bandwidth", stopCopyBandwidth), downtimeLimitMs * 1000,
                    pageOverhead, pageOverhead + 1, maxIterations, 100_000, 0, 1024 * MIB, headroom == null ? -1 : size("--headroom", headroom));
            strategies = "all".equals(strategy) ? List.of(MigrationStrategy.values()) : List.of(MigrationStrategy.parse(strategy));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        GuestPages pages;
        DirtyModel dirty;
        Map<String, Object> guest = new LinkedHashMap<>();
        String guestLine;
        if (scenario != null) {
            for (String o : overrides) {
                if (o.indexOf('=') <= 0) throw new ParameterException(spec.commandLine(), "--set " + o + ": expected PATH=VALUE");
            }
            Scenario sc = ScenarioLoader.load(scenario, overrides);
            int index = vmIndex(sc);
            Scenario.Vm v = sc.vms().get(index);
            try {
                dirty = new DirtyModel(dirtyRate != null ? dirtyRate : v.workload().refsPerSecond() * v.workload().writeFraction(),
                        localityOf(locality == null ? "uniform" : locality), hotFraction, seed);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            Simulation sim = new Simulation(sc);
            sim.run((done, total) -> {});
            pages = GuestPages.fromVm(sim.host().vmMemory(index));
            guest.put("scenario", scenario.toString());
            guest.put("vm", v.name());
            guest.put("ram_bytes", (long) pages.pages() * PreCopyModel.PAGE);
            guest.put("in_use_bytes", (long) pages.inUsePages() * PreCopyModel.PAGE);
            guest.put("working_set_bytes", (long) pages.workingSetPages() * PreCopyModel.PAGE);
            guest.put("free_bytes", (long) pages.freePages() * PreCopyModel.PAGE);
            guest.put("zero_bytes", (long) pages.zeroPages() * PreCopyModel.PAGE);
            guestLine = String.format(Locale.ROOT, "vm %s of %s after %.0f s simulated: %s, in use %s (application %s), free %s, zero %s",
                    v.name(), scenario, sc.durationMicros() / 1e6, Size.format((long) pages.pages() * PreCopyModel.PAGE),
                    Size.format((long) pages.inUsePages() * PreCopyModel.PAGE), Size.format((long) pages.workingSetPages() * PreCopyModel.PAGE),
                    Size.format((long) pages.freePages() * PreCopyModel.PAGE), Size.format((long) pages.zeroPages() * PreCopyModel.PAGE));
        } else {
            GuestProfile profile;
            try {
                profile = new GuestProfile(size("--memory", memory), size("--used", used), size("--working-set", workingSet), size("--freed", freed));
                dirty = new DirtyModel(dirtyRate == null ? 0 : dirtyRate, localityOf(locality == null ? "sequential" : locality), hotFraction, seed);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            pages = GuestPages.of(profile);
            guest.put("ram_bytes", profile.ramBytes());
            guest.put("used_bytes", profile.usedBytes());
            guest.put("working_set_bytes", profile.workingSetBytes());
            guest.put("freed_bytes", profile.freedBytes());
            guestLine = String.format(Locale.ROOT, "guest %s: used %s, working set %s, freed %s", Size.format(profile.ramBytes()),
                    Size.format(profile.usedBytes()), Size.format(profile.workingSetBytes()), Size.format(profile.freedBytes()));
        }
        guest.put("dirty_pages_per_second", dirty.pagesPerSecond());
        guest.put("locality", dirty.locality().name().toLowerCase(Locale.ROOT));
        guest.put("hot_fraction", dirty.hotFraction());
        PreCopyModel model = new PreCopyModel(params);
        List<PreCopyResult> results = new ArrayList<>();
        for (MigrationStrategy s : strategies) results.add(model.run(pages, dirty, s));
        out.print(json ? toJson(modelJson(guest, params, results)) : modelTable(guestLine, dirty, params, results));
        out.flush();
        return 0;
    }

    private int vmIndex(Scenario sc) {
        if (vm == null) return 0;
        for (int i = 0; i < sc.vms().size(); i++) if (sc.vms().get(i).name().equals(vm)) return i;
        throw new ParameterException(spec.commandLine(), "--vm: no VM named '" + vm + "' in " + scenario + " (VMs: "
                + String.join(", ", sc.vms().stream().map(Scenario.Vm::name).toList()) + ")");
    }

    private static long size(String option, String text) {
        try {
            return Size.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
        }
    }

    private static Locality localityOf(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "sequential" -> Locality.SEQUENTIAL;
            case "uniform" -> Locality.UNIFORM;
            default -> throw new IllegalArgumentException("--locality: got '" + text + "', expected sequential or uniform");
        };
    }

    private static String modelTable(String guestLine, DirtyModel d, PreCopyParams p, List<PreCopyResult> results) {
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

    private static Map<String, Object> modelJson(Map<String, Object> guest, PreCopyParams p, List<PreCopyResult> results) {
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

    private static String calibrationTable(List<CalibrationRow> rows) {
        StringBuilder sb = new StringBuilder("Model vs real (real: BENCHMARKS.md, 512 MiB guests on TCG, median of 3; model: 128 MiB/s, 300 ms limit, stop-and-copy 512 MiB/s)\n\n");
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

    private static Map<String, Object> calibrationJson(List<CalibrationRow> rows) {
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

    private static String toJson(Object o) throws Exception {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o) + "\n";
    }
}
