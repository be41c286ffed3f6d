package dev.memvisor.density.sim;

import dev.memvisor.density.DensityBounds;
import dev.memvisor.density.DensitySearch;
import dev.memvisor.density.GuestMeasure;
import dev.memvisor.density.PolicyResult;
import dev.memvisor.density.StepResult;
import dev.memvisor.density.mix.Mix;
import dev.memvisor.density.mix.MixGuest;
import dev.memvisor.sim.engine.Simulation;
import dev.memvisor.sim.report.SimResult;
import dev.memvisor.core.counter.Counter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The density experiment in the simulator: the same search over the same mix, each step a whole
 * simulation of the first n guests ({@link MixScenario}). A guest's slowdown is the simulator's
 * (elapsed time of its work over its standalone time) divided by the same guest's alone on the
 * same host, so both columns compare progress with the guest alone. The simulated guest has
 * unbounded swap, so no guest is OOM-killed here.
 */
public final class SimDensity {
    private static final long MIB = 1L << 20;
    private final Mix mix;
    private final Consumer<String> log;
    private final Map<String, Double> alone = new HashMap<>();

    /** An experiment for this mix; progress lines to {@code log}. */
    public SimDensity(Mix mix, Consumer<String> log) {
        this.mix = mix;
        this.log = log;
    }

    /** Runs the search for {@code policy}. */
    public PolicyResult run(String policy, DensityBounds bounds) {
        int[] started = {0};
        DensitySearch.Host host = new DensitySearch.Host() {
            @Override
            public StepResult admit(int n, MixGuest guest) {
                started[0] = n;
                SimResult r = new Simulation(MixScenario.scenario(mix, policy, mix.guests().subList(0, n))).run(null);
                List<GuestMeasure> measures = new ArrayList<>();
                long swap = 0, traffic = 0, balloon = 0, shared = 0, guestSwap = 0;
                for (SimResult.VmRecord v : r.vms) {
                    MixGuest g = mix.guests().stream().filter(x -> x.name().equals(v.name)).findFirst().orElseThrow();
                    // progress relative to the simulator's standalone: 1 / slowdown
                    measures.add(new GuestMeasure(v.name, 1 / alone(policy, g), 1 / v.slowdown, false, last(v, Counter.MCTLSZ), last(v, Counter.SWCUR)));
                    swap += last(v, Counter.SWCUR);
                    balloon += last(v, Counter.MCTLSZ);
                    shared += last(v, Counter.SHRDSVD);
                    guestSwap += v.guestSwapOuts * 4096;
                    traffic += windowTraffic(r, v);
                }
                return new StepResult(n, measures, swap, traffic, balloon, shared, guestSwap);
            }

            @Override public long reservationViolations() { return 0; }
            @Override public int started() { return started[0]; }
            @Override public int stopped() { return started[0]; }
        };
        return DensitySearch.run(policy, mix, bounds, host, log, "sim");
    }

    /** The simulator's slowdown of {@code g} alone on the host (1 when nothing stalls it). */
    private double alone(String policy, MixGuest g) {
        return alone.computeIfAbsent(policy + "/" + g.entry(), k -> new Simulation(MixScenario.scenario(mix, policy, List.of(g))).run(null).vms.get(0).slowdown);
    }

    /** MiB swapped in and out (SWR/s + SWW/s) over the samples that fall in the window (after warmup). */
    private long windowTraffic(SimResult r, SimResult.VmRecord v) {
        List<Double> in = v.series(Counter.SWR), out = v.series(Counter.SWW);
        double warmup = mix.warmup().toSeconds(), mib = 0, prev = 0;
        for (int i = 0; i < r.times.size() && i < in.size(); i++) {
            double t = r.times.get(i);
            if (t > warmup) mib += (in.get(i) + out.get(i)) * (t - Math.max(prev, warmup));
            prev = t;
        }
        return Math.round(mib * MIB);
    }

    private static long last(SimResult.VmRecord v, Counter c) {
        List<Double> s = v.series(c);
        return s.isEmpty() ? 0 : Math.round(s.get(s.size() - 1) * MIB);
    }

    /**
     * Which simulator made the numbers: a digest of every class of the simulator (dev/memvisor/sim/)
     * as loaded, from its jar or class folder; its cost model is reworked concurrently, and another
     * build gives another digest.
     */
    public static String engineDigest() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            java.net.URL where = Simulation.class.getProtectionDomain().getCodeSource().getLocation();
            Path root = Path.of(where.toURI());
            if (Files.isDirectory(root)) {
                try (var files = Files.walk(root.resolve("dev/memvisor/sim"))) {
                    for (Path f : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) md.update(Files.readAllBytes(f));
                }
            } else {
                try (java.util.jar.JarFile jar = new java.util.jar.JarFile(root.toFile())) {
                    List<java.util.jar.JarEntry> entries = jar.stream().filter(e -> e.getName().startsWith("dev/memvisor/sim/") && e.getName().endsWith(".class"))
                            .sorted(java.util.Comparator.comparing(java.util.jar.JarEntry::getName)).toList();
                    for (java.util.jar.JarEntry e : entries) {
                        try (InputStream in = jar.getInputStream(e)) {
                            md.update(in.readAllBytes());
                        }
                    }
                }
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 12);
        } catch (IOException | NoSuchAlgorithmException | java.net.URISyntaxException | RuntimeException e) {
            return "unknown";
        }
    }
}
