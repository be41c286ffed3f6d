import java.lang.management.ManagementFactory;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Heap a simulated host holds per GiB of configured VM memory: runs a scenario with one build of memvisor
 * (its jar in a class loader of its own), then with the simulation still held, collects garbage and
 * reads the heap in use, less what was in use before the host was built. Usage, from the project root:
 * {@code java -Xmx20g -XX:G1HeapRegionSize=32m scripts/SimHeapPerGiB.java MEMVISOR.jar SCENARIO.yaml
 * [--set KEY=VALUE ...]} (the region size ./memvisor runs with: G1 rounds a humongous array up to whole regions).
 * Written by hand: a heap measurement of one object graph, which JMH does not do.
 */
public class SimHeapPerGiB {
    private static long usedAfterGc() {
        var mx = ManagementFactory.getMemoryMXBean();
        long best = Long.MAX_VALUE;
        // System.gc() is a full, stop-the-world collection with the JDK's default collector (G1)
        for (int i = 0; i < 3; i++) {
            System.gc();
            best = Math.min(best, mx.getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: java -Xmx20g scripts/SimHeapPerGiB.java MEMVISOR.jar SCENARIO.yaml [--set KEY=VALUE ...]");
            System.exit(2);
        }
        ClassLoader cl = new URLClassLoader(new URL[] {Path.of(args[0]).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        List<String> sets = new java.util.ArrayList<>();
        for (int i = 2; i + 1 < args.length; i += 2) if (args[i].equals("--set")) sets.add(args[i + 1]);
        Object sc = Class.forName("dev.memvisor.sim.scenario.ScenarioLoader", true, cl).getMethod("load", Path.class, List.class)
                .invoke(null, Path.of(args[1]), sets);
        Class<?> scenario = Class.forName("dev.memvisor.sim.scenario.Scenario", true, cl);
        long configured = 0;
        for (Object vm : (List<?>) scenario.getMethod("vms").invoke(sc)) {
            Object settings = vm.getClass().getMethod("settings").invoke(vm);
            configured += (long) settings.getClass().getMethod("configuredBytes").invoke(settings);
        }
        long before = usedAfterGc();
        Class<?> simClass = Class.forName("dev.memvisor.sim.engine.Simulation", true, cl);
        Object sim = simClass.getConstructor(scenario).newInstance(sc);
        long built = usedAfterGc() - before;
        Object result = simClass.getMethod("run", Class.forName("dev.memvisor.sim.engine.Simulation$Progress", true, cl)).invoke(sim, (Object) null);
        long ran = usedAfterGc() - before;
        double gib = configured / (double) (1L << 30);
        System.out.printf(Locale.ROOT, "%s: %.1f GiB configured; heap after building %.1f MB (%.2f MB per GiB), after the run %.1f MB (%.2f MB per GiB)%n",
                args[1], gib, built / 1e6, built / 1e6 / gib, ran / 1e6, ran / 1e6 / gib);
        if (sim.hashCode() == result.hashCode()) System.out.print(""); // keeps both reachable until here
    }
}
