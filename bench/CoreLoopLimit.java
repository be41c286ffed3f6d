import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * memvisor's core loop (the {@code bench} scenario {@code BenchScenarios.coreLoop(8)}) beside its limit:
 * the same work written plainly in C ({@code bench/core_loop.c}) and the same minimal loop in Java
 * ({@link Minimal} below, a line-for-line port of the C). One run, rounds alternating the order of the
 * three; each is timed by the CPU time of its work (the C program's process CPU from inside, the Java
 * ones' thread CPU, memvisor's including any simulation worker threads); round 0 warms the JIT up and is
 * not counted. Prints per round and as medians: memvisor's speed as a fraction of C's (C time / memvisor
 * time) and of the minimal Java loop's, and the minimal Java loop's of C's. All three must make the
 * same number of references (it stops if not).
 *
 * <p>Usage: {@code bench/core-loop-limit.sh [ROUNDS]} (builds the C program and runs this), or
 * {@code java bench/CoreLoopLimit.java MEMVISOR.jar C_BINARY [ROUNDS=7]}. Written by hand: JMH times
 * Java methods, not a C program beside a simulation.
 */
public class CoreLoopLimit {
    /** The C program's loop in Java, as plainly: a state byte per page, an int page table, CLOCK, SplitMix64, the Zipf table. */
    static final class Minimal {
        static final int PAGES = 524288, OS_PAGES = 65536, WS = 460800, STEPS = 80, BUF = 256, ZBITS = 12;
        static final double STEP_NS = 1e8, NS_PER_REF = 20.0, FAULT_NS = 4000.0, GUEST_SWAP_NS = 5e6;
        static final long WORK_REFS = 400_000_000L;
        static final int BACKED = 1, CACHE = 2, ANON = 4, KIND = 6, WRITTEN = 8, REF = 16, NOT_PRESENT = -1, IN_SWAP = -2;

        byte[] st;
        int[] vmap, rmap;
        int nextFree, hand, touched;
        long state, workLeft = WORK_REFS;
        final int[] zq = new int[(1 << ZBITS) + 1];

        long next() {
            long z = (state += 0x9E3779B97F4A7C15L);
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }

        void zipfTable(int n, double s) {
            double a = 1 - s, top = Math.pow(n + 1.0, a) - 1;
            for (int i = 0; i <= 1 << ZBITS; i++) {
                double x = Math.pow(1 + (double) i / (1 << ZBITS) * top, 1 / a) - 1;
                zq[i] = (int) Math.min(n, Math.max(0, Math.floor(x)));
            }
        }

        int zipfSample(long r, int n) {
            int b = (int) (r >>> (64 - ZBITS)), lo = zq[b], span = zq[b + 1] - lo;
            int rank = span <= 0 ? lo : lo + (int) ((((r >>> 16) & 0xFFFFFFFFL) * span) >>> 32);
            return rank < n ? rank : n - 1;
        }

        int fill(int[] buf) {
            int len = (int) Math.min(BUF, workLeft), i = 0;
            while (touched < WS && i < len) buf[i++] = touched++ << 1 | 1;
            for (; i < len; i++) {
                long r = next();
                buf[i] = zipfSample(r, WS) << 1 | ((((int) r) & 0xFFFF) < 13107 ? 1 : 0);
            }
            workLeft -= len;
            return len;
        }

        int allocPage() {
            if (nextFree < PAGES) return nextFree++;
            while (true) {
                int g = hand;
                hand = g + 1 == PAGES ? 0 : g + 1;
                int s = st[g];
                if ((s & KIND) == 0) continue;
                if ((s & REF) != 0) { st[g] = (byte) (s & ~REF); continue; }
                if ((s & ANON) != 0) vmap[rmap[g]] = IN_SWAP;
                st[g] = (byte) (s & BACKED);
                return g;
            }
        }

        long run() {
            st = new byte[PAGES];
            vmap = new int[WS];
            rmap = new int[PAGES];
            java.util.Arrays.fill(vmap, NOT_PRESENT);
            for (int g = 0; g < OS_PAGES; g++) st[nextFree++] = BACKED | CACHE;
            state = 0x9E3779B97F4A7C15L + 0xD1B54A32D192ED03L + 0x632BE59BD9B4E019L;
            for (int i = 0; i < 100; i++) next();
            zipfTable(WS, 0.8);
            int[] buf = new int[BUF];
            int pos = 0, len = 0;
            long refs = 0;
            double carry = 0;
            for (int step = 0; step < STEPS; step++) {
                double avail = STEP_NS + carry;
                while (avail > 0) {
                    if (pos == len) {
                        len = fill(buf);
                        pos = 0;
                        if (len == 0) { avail = 0; break; }
                    }
                    int r = buf[pos++], vpn = r >> 1;
                    double c = NS_PER_REF;
                    int g = vmap[vpn];
                    if (g < 0) {
                        if (g == IN_SWAP) c += GUEST_SWAP_NS;
                        g = allocPage();
                        if ((st[g] & BACKED) == 0) c += FAULT_NS;
                        st[g] = BACKED | ANON;
                        vmap[vpn] = g;
                        rmap[g] = vpn;
                    }
                    st[g] = (byte) (st[g] | REF | ((r & 1) != 0 ? WRITTEN : 0));
                    avail -= c;
                    refs++;
                }
                carry = Math.min(0, avail);
            }
            return refs;
        }
    }

    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    /** CPU seconds of this thread and of the simulator's worker threads (named memvisor-sim-*). */
    private static double cpuSeconds() {
        long ns = MX.getCurrentThreadCpuTime();
        for (long id : MX.getAllThreadIds()) {
            var info = MX.getThreadInfo(id);
            if (info != null && info.getThreadName().startsWith("memvisor-sim-")) ns += Math.max(0, MX.getThreadCpuTime(id));
        }
        return ns / 1e9;
    }

    /** {refs, CPU seconds} of the C program. */
    private static double[] runC(String binary) throws Exception {
        Process p = new ProcessBuilder(binary).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0 || !out.startsWith("refs ")) throw new IllegalStateException(binary + " failed: " + out);
        String[] f = out.split("\\s+");
        return new double[] {Long.parseLong(f[1]), Double.parseDouble(f[3])};
    }

    private static double[] runMinimal() {
        System.gc();
        double c0 = cpuSeconds();
        long refs = new Minimal().run();
        return new double[] {refs, cpuSeconds() - c0};
    }

    private static double[] runMemvisor(ClassLoader cl) throws Exception {
        Object sc = Class.forName("dev.memvisor.sim.bench.BenchScenarios", true, cl).getMethod("coreLoop", int.class).invoke(null, 8);
        Class<?> sim = Class.forName("dev.memvisor.sim.engine.Simulation", true, cl);
        Class<?> progress = Class.forName("dev.memvisor.sim.engine.Simulation$Progress", true, cl);
        System.gc();
        double c0 = cpuSeconds();
        Object s = sim.getConstructor(Class.forName("dev.memvisor.sim.scenario.Scenario", true, cl)).newInstance(sc);
        Object r = sim.getMethod("run", progress).invoke(s, (Object) null);
        double cpu = cpuSeconds() - c0;
        return new double[] {r.getClass().getField("totalRefs").getLong(r), cpu};
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: java bench/CoreLoopLimit.java MEMVISOR.jar C_BINARY [ROUNDS=7]");
            System.exit(2);
        }
        ClassLoader cl = new URLClassLoader(new URL[] {Path.of(args[0]).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 7;
        List<Double> vsC = new ArrayList<>(), vsJ = new ArrayList<>(), jVsC = new ArrayList<>(), cs = new ArrayList<>(), js = new ArrayList<>(), ms = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            double[][] t = new double[3][];
            for (int k = 0; k < 3; k++) {
                int which = (i + k) % 3;
                t[which] = which == 0 ? runC(args[1]) : which == 1 ? runMinimal() : runMemvisor(cl);
            }
            if (t[0][0] != t[1][0] || t[0][0] != t[2][0]) {
                throw new IllegalStateException("different references: C " + (long) t[0][0] + ", Java " + (long) t[1][0] + ", memvisor " + (long) t[2][0]);
            }
            double c = t[0][1], j = t[1][1], m = t[2][1];
            System.out.printf(Locale.ROOT, "round %d%s: C %.2f s, minimal Java %.2f s, memvisor %.2f s CPU (%d refs each) | memvisor/C %.3f, memvisor/Java %.3f, Java/C %.3f%n",
                    i, i == 0 ? " (warm-up)" : "", c, j, m, (long) t[0][0], c / m, j / m, c / j);
            if (i > 0) {
                vsC.add(c / m);
                vsJ.add(j / m);
                jVsC.add(c / j);
                cs.add(c);
                js.add(j);
                ms.add(m);
            }
        }
        System.out.printf(Locale.ROOT, "speed as a fraction of the limit, median of %d rounds: memvisor/C %.3f (%.3f-%.3f), memvisor/minimal Java %.3f (%.3f-%.3f), minimal Java/C %.3f; CPU s C %.2f, Java %.2f, memvisor %.2f%n",
                vsC.size(), median(vsC), vsC.stream().mapToDouble(x -> x).min().orElse(0), vsC.stream().mapToDouble(x -> x).max().orElse(0),
                median(vsJ), vsJ.stream().mapToDouble(x -> x).min().orElse(0), vsJ.stream().mapToDouble(x -> x).max().orElse(0),
                median(jVsC), median(cs), median(js), median(ms));
    }
}
