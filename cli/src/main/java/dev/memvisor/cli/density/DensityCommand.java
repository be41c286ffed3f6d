package dev.memvisor.cli.density;

import dev.memvisor.cli.sim.OutputFolder;
import dev.memvisor.cli.sim.SimulateCommand;
import dev.memvisor.core.policy.PolicyRegistry;
import dev.memvisor.core.unit.Size;
import dev.memvisor.density.DensityBounds;
import dev.memvisor.density.DensityExperiment;
import dev.memvisor.density.DensityReport;
import dev.memvisor.density.PolicyResult;
import dev.memvisor.density.mix.Mix;
import dev.memvisor.density.mix.MixLoader;
import dev.memvisor.density.report.DensityHtml;
import dev.memvisor.density.report.DensityJson;
import dev.memvisor.density.report.DensityTable;
import dev.memvisor.qemu.image.GuestImage;
import dev.memvisor.qemu.image.GuestImageBuilder;
import dev.memvisor.settings.SettingsException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code memvisor density}: how many guests each policy fits on a host at a slowdown bound, on real guests and in the simulator. */
@Command(name = "density", mixinStandardHelpOptions = true,
        description = {"For each policy, start the mix's guests one at a time on a host of the mix's size (real: one memory cgroup"
                + " with its own swap file behind it; simulated: the same host in the simulator) until the 95th percentile guest"
                + " slowdown (progress alone with no shortage / progress here) passes --bound, a guest is OOM-killed, or the host"
                + " swaps more than --max-host-swap in and out during a window; report the guests admitted, the slowdowns and the balloon, swap and sharing"
                + " totals per policy. Real guests need root and QEMU (scripts/install-deps.sh); every guest started is stopped and"
                + " the cgroup and swap file removed, also on Ctrl-C or SIGTERM. Progress on stderr."})
public final class DensityCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MIX.yaml", description = "The mix (examples/density-*.yaml).")
    Path mixFile;

    @Option(names = "--policies", split = ",", paramLabel = "NAMES", description = "Policies, comma-separated (default: every registered policy).")
    List<String> policies = new ArrayList<>();

    @Option(names = "--sim", description = "The simulator only (a few minutes at most).")
    boolean simOnly;

    @Option(names = "--real", description = "Real guests only.")
    boolean realOnly;

    @Option(names = "--bound", paramLabel = "X", description = "The largest 95th percentile slowdown admitted (default: ${DEFAULT-VALUE}).")
    double bound = 1.2;

    @Option(names = "--max-host-swap", paramLabel = "SIZE", description = "The most the host may swap in and out during a window and still admit its guests (default: 10%% of the mix's host memory).")
    String maxHostSwap;

    @Option(names = "--json", description = "Print density.json on stdout instead of the table.")
    boolean json;

    @Option(names = "--out", paramLabel = "DIR", description = "Write density.json and density.html there.")
    Path out;

    @Option(names = "--set", paramLabel = "PATH=VALUE", description = "Override a mix field, e.g. --set window=20s; repeatable.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--baselines", paramLabel = "DENSITY.json",
            description = "Take the real guests' standalone baselines from an earlier run of the same mix instead of measuring them.")
    Path baselinesFile;

    @Option(names = "--real-from", paramLabel = "DENSITY.json",
            description = "Compare the simulator with the real results of an earlier run of the same mix (implies --sim): the table gains the model-vs-measured rows.")
    Path realFrom;

    @Option(names = "--image-dir", paramLabel = "DIR",
            description = "The guest image (built there if missing or stale; default: $MEMVISOR_IMAGE_DIR or $TMPDIR/memvisor-guest-image).")
    Path imageDir;

    @Override
    public Integer call() {
        PrintWriter outw = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (realFrom != null && realOnly) throw new CommandLine.ParameterException(spec.commandLine(), "--real-from and --real: --real-from runs the simulator only");
        if (realFrom != null) simOnly = true;
        if (simOnly && realOnly) throw new CommandLine.ParameterException(spec.commandLine(), "--sim and --real: give one of them, or neither for both");
        List<String> names = new ArrayList<>(new LinkedHashSet<>(policies.isEmpty() ? PolicyRegistry.names() : policies));
        for (String n : names) {
            if (!PolicyRegistry.names().contains(n)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--policies: unknown policy '" + n + "', expected some of "
                        + String.join(", ", PolicyRegistry.names()));
            }
        }
        if (!(bound >= 1)) throw new CommandLine.ParameterException(spec.commandLine(), "--bound: got " + bound + ", expected a number >= 1");
        SimulateCommand.checkOverrides(spec, overrides);
        Mix mix;
        try {
            mix = MixLoader.load(mixFile, overrides);
        } catch (SettingsException e) {
            err.println("memvisor density: " + e.getMessage());
            return 1;
        }
        long swapBound;
        try {
            swapBound = maxHostSwap == null ? mix.hostBytes() / 10 : Size.parse(maxHostSwap);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-host-swap " + maxHostSwap + ": " + e.getMessage());
        }
        Map<String, PolicyResult> earlier = Map.of();
        String earlierAccel = null;
        if (realFrom != null) {
            try {
                DensityJson.SavedRun saved = DensityJson.readReal(realFrom, mix);
                earlier = saved.results();
                earlierAccel = saved.accelerator();
            } catch (IllegalArgumentException e) {
                err.println("memvisor density: --real-from " + e.getMessage());
                return 1;
            }
        }
        if (out != null) OutputFolder.prepare(spec, out);
        DensityExperiment.Mode mode = simOnly ? DensityExperiment.Mode.SIM : realOnly ? DensityExperiment.Mode.REAL : DensityExperiment.Mode.BOTH;
        GuestImage image = null;
        Path runDir = null;
        Map<Integer, Double> known = Map.of();
        if (mode != DensityExperiment.Mode.SIM) {
            if (!"root".equals(System.getProperty("user.name")) && !Files.isWritable(Path.of("/sys/fs/cgroup"))) {
                err.println("memvisor density: real guests need root (a memory cgroup and a swap file); run as root, or with --sim for the simulator only");
                return 1;
            }
            if (baselinesFile != null) known = DensityExperiment.readBaselines(baselinesFile, mix);
            Path cache = imageDir != null ? imageDir
                    : Path.of(System.getenv().getOrDefault("MEMVISOR_IMAGE_DIR", System.getProperty("java.io.tmpdir") + "/memvisor-guest-image"));
            err.println("memvisor density: guest image in " + cache + " (building it if needed)");
            err.flush();
            image = GuestImageBuilder.defaults().buildIfNeeded(cache);
            runDir = Path.of(System.getProperty("java.io.tmpdir"), "memvisor-density-" + ProcessHandle.current().pid());
        }
        err.println("memvisor density: mix " + mix.name() + ", " + mix.guests().size() + " guests on " + Size.format(mix.hostBytes()) + ", policies "
                + String.join(",", names) + ", " + mode.name().toLowerCase(java.util.Locale.ROOT) + "; bound p95 slowdown " + bound + ", host swap traffic "
                + Size.format(swapBound) + " a window");
        err.flush();
        long t0 = System.nanoTime();
        DensityReport r = DensityExperiment.run(mix, names, new DensityBounds(bound, swapBound), mode, known, image, runDir, line -> {
            err.printf(java.util.Locale.ROOT, "memvisor density: [%4ds] %s%n", (System.nanoTime() - t0) / 1_000_000_000L, line);
            err.flush();
        });
        if (realFrom != null) {
            Map<String, PolicyResult> real = new LinkedHashMap<>();
            for (String n : names) if (earlier.containsKey(n)) real.put(n, earlier.get(n));
            if (real.isEmpty()) err.println("memvisor density: --real-from " + realFrom + " has none of the policies " + String.join(",", names) + "; nothing to compare");
            r = new DensityReport(r.mix(), r.bounds(), earlierAccel, r.simulator(), r.baselines(), r.policies(), real, r.sim());
        }
        if (json) outw.print(DensityJson.text(r) + "\n");
        else outw.print(DensityTable.text(r) + DensityTable.modelText(r));
        if (out != null) {
            DensityJson.write(r, out);
            DensityHtml.write(r, out);
            if (!json) outw.println("outputs: " + out.toAbsolutePath().normalize() + " (density.json, density.html)");
        }
        outw.flush();
        return 0;
    }
}
