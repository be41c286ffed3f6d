import java.lang.management.ManagementFactory;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Times the scenarios of {@code memvisor bench} for two builds of memvisor side by side in one JVM
 * (each jar in a class loader of its own), alternating A B, B A, ... so that both see the same
 * machine, and prints per scenario the median ratio A/B of the simulating thread's CPU time (less
 * disturbed than wall time on a shared machine) and of wall time. Round 0 warms the JIT up and is
 * not counted. Both builds must make the same page references (it stops if they do not).
 *
 * <p>Usage, from the project root: {@code java scripts/SimBenchAB.java A.jar B.jar [ROUNDS=7]
 * [core,host16,host128,ex5,FILE.yaml]} (host16, host128 and a
 * scenario file take {@code :MINUTES}, e.g. {@code host128:15}; default 60, a file's own duration); the jars are {@code cli/target/memvisor.jar} of two checkouts
 * ({@code mvn -B -q -DskipTests -pl cli -am package}). Written by hand: JMH measures methods, not
 * two builds of the same classes against each other.
 */
public class SimBenchAB {
    private record Build(String name, ClassLoader loader) {}

    /** The two builds; a scenario text one lacks comes from the other. */
    private static Build buildA, buildB;

    /** A benchmark by name, or a scenario file; {@code host16}, {@code host128} and a file with an optional {@code :MINUTES}. */
    private static Object scenario(Build b, String bench) throws Exception {
        Class<?> scenarios = Class.forName("dev.memvisor.sim.bench.BenchScenarios", true, b.loader());
        int colon = bench.indexOf(':');
        int minutes = colon < 0 ? 60 : Integer.parseInt(bench.substring(colon + 1));
        String name = colon < 0 ? bench : bench.substring(0, colon);
        return switch (name) {
            case "core" -> scenarios.getMethod("coreLoop", int.class).invoke(null, 8);
            case "host16" -> scenarios.getMethod("host16", int.class).invoke(null, minutes);
            case "host128" -> {
                try {
                    yield scenarios.getMethod("host128", int.class).invoke(null, minutes);
                } catch (NoSuchMethodException before) {
                    // a build from before host128 (main before issue 16): the other build's text, parsed by this one
                    Build newer = b == buildA ? buildB : buildA;
                    Object text = Class.forName("dev.memvisor.sim.bench.BenchScenarios", true, newer.loader())
                            .getMethod("host128Yaml", int.class).invoke(null, minutes);
                    yield Class.forName("dev.memvisor.sim.scenario.ScenarioLoader", true, b.loader())
                            .getMethod("parse", String.class, String.class, Path.class, List.class)
                            .invoke(null, text, "bench:host-128x8G", Path.of("."), List.of());
                }
            }
            case "ex5" -> Class.forName("dev.memvisor.sim.scenario.ScenarioLoader", true, b.loader())
                    .getMethod("load", Path.class, List.class).invoke(null, Path.of("examples/bitbrains-consolidation.yaml"), List.of());
            default -> {
                if (!name.endsWith(".yaml")) throw new IllegalArgumentException("unknown benchmark " + bench + ": core, host16, host128, ex5 or FILE.yaml");
                yield Class.forName("dev.memvisor.sim.scenario.ScenarioLoader", true, b.loader()).getMethod("load", Path.class, List.class)
                        .invoke(null, Path.of(name), colon < 0 ? List.of() : List.of("duration=" + minutes + "m"));
            }
        };
    }

    /** Thread CPU seconds, wall seconds and page references of one run. */
    private static double[] run(Build b, String bench) throws Exception {
        Object sc = scenario(b, bench);
        Class<?> sim = Class.forName("dev.memvisor.sim.engine.Simulation", true, b.loader());
        Class<?> scenarioClass = Class.forName("dev.memvisor.sim.scenario.Scenario", true, b.loader());
        Class<?> progress = Class.forName("dev.memvisor.sim.engine.Simulation$Progress", true, b.loader());
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        System.gc();
        long c0 = os.getProcessCpuTime(), w0 = System.nanoTime();
        Object s = sim.getConstructor(scenarioClass).newInstance(sc);
        Object r = sim.getMethod("run", progress).invoke(s, (Object) null);
        long c1 = os.getProcessCpuTime(), w1 = System.nanoTime();
        return new double[] {(c1 - c0) / 1e9, (w1 - w0) / 1e9, r.getClass().getField("totalRefs").getLong(r)};
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        return s.get(s.size() / 2);
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: java scripts/SimBenchAB.java A.jar B.jar [ROUNDS=7] [core,host16[:MIN],host128[:MIN],ex5,FILE.yaml[:MIN]]");
            System.exit(2);
        }
        Build a = new Build("A", new URLClassLoader(new URL[] {Path.of(args[0]).toUri().toURL()}, ClassLoader.getPlatformClassLoader()));
        Build b = new Build("B", new URLClassLoader(new URL[] {Path.of(args[1]).toUri().toURL()}, ClassLoader.getPlatformClassLoader()));
        buildA = a;
        buildB = b;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 7;
        List<String> benches = List.of((args.length > 3 ? args[3] : "core,host16,ex5").split(","));
        Map<String, List<double[]>> counted = new LinkedHashMap<>();
        for (int i = 0; i < rounds; i++) {
            for (String bench : benches) {
                boolean aFirst = i % 2 == 0;
                double[] first = run(aFirst ? a : b, bench), second = run(aFirst ? b : a, bench);
                double[] ra = aFirst ? first : second, rb = aFirst ? second : first;
                if (ra[2] != rb[2]) throw new IllegalStateException(bench + ": the builds made different references, " + ra[2] + " and " + rb[2]);
                System.out.printf(Locale.ROOT, "round %d %-6s A cpu %6.2f s wall %6.2f s | B cpu %6.2f s wall %6.2f s | A/B cpu %.3f wall %.3f%n",
                        i, bench, ra[0], ra[1], rb[0], rb[1], ra[0] / rb[0], ra[1] / rb[1]);
                if (i > 0) counted.computeIfAbsent(bench, k -> new ArrayList<>()).add(new double[] {ra[0], rb[0], ra[1], rb[1]});
            }
        }
        for (var e : counted.entrySet()) {
            List<double[]> v = e.getValue();
            System.out.printf(Locale.ROOT, "%-6s A/B process CPU: median %.3f (%.3f-%.3f), wall: median %.3f; A %.2f s, B %.2f s CPU (medians of %d pairs)%n",
                    e.getKey(), median(v.stream().map(x -> x[0] / x[1]).toList()),
                    v.stream().mapToDouble(x -> x[0] / x[1]).min().orElse(0), v.stream().mapToDouble(x -> x[0] / x[1]).max().orElse(0),
                    median(v.stream().map(x -> x[2] / x[3]).toList()),
                    median(v.stream().map(x -> x[0]).toList()), median(v.stream().map(x -> x[1]).toList()), v.size());
        }
    }
}
