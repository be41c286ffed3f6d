package dev.memvisor.cli.migrate;

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

    @Option(names = "--measured", paramLabel = "FILE", description = "With --calibrate: measured runs to compare with, in the shape of the built-in file (README); default the built-in figures from BENCHMARKS.md.")
    Path measured;

    @Option(names = "--json", description = "Print JSON (shape in README, Machine-readable outputs).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (scenario == null && (vm != null || !overrides.isEmpty())) throw new ParameterException(spec.commandLine(), "--vm and --set need --scenario");
        if (!calibrate && measured != null) throw new ParameterException(spec.commandLine(), "--measured needs --calibrate");
        if (calibrate) {
            List<CalibrationRow> rows;
            Calibration cal;
            try {
                cal = measured == null ? Calibration.load() : Calibration.load(measured);
                rows = cal.run();
            } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
                spec.commandLine().getErr().println("memvisor migration-model: " + e.getMessage());
                return 1;
            }
            out.print(json ? MigrationModelReport.toJson(MigrationModelReport.calibrationJson(rows)) : MigrationModelReport.calibrationTable(rows, cal.params()));
            out.flush();
            return 0;
        }
        PreCopyParams params;
        List<MigrationStrategy> strategies;
        try {
            double bw = size("--bandwidth", bandwidth);
            params = PreCopyParams.qemuDefaults()
                    .withBandwidth(bw)
                    .withStopCopyBandwidth(stopCopyBandwidth == null ? bw : size("--stop-copy-bandwidth", stopCopyBandwidth))
                    .withDowntimeLimitMicros(downtimeLimitMs * 1000)
                    .withPageHeaderBytes(pageOverhead)
                    .withMaxIterations(maxIterations)
                    .withHeadroomBytes(headroom == null ? -1 : size("--headroom", headroom));
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
            pages = GuestPages.fromVm(sim.host().guest(index));
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
        out.print(json ? MigrationModelReport.toJson(MigrationModelReport.modelJson(guest, params, results)) : MigrationModelReport.modelTable(guestLine, dirty, params, results));
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
}
