package dev.memvisor.measure.esxtop;

import dev.memvisor.measure.FileFormatException;
import dev.memvisor.measure.ValueRange;
import dev.memvisor.measure.pdh.CounterPath;
import dev.memvisor.measure.pdh.PdhCsvFile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Analyses an {@code esxtop -b} export for memory and CPU contention, streaming it once and keeping only
 * the columns of {@link EsxtopMetric}.
 *
 * <p>A VM is a group that owns {@code vmx-vcpu-N} worlds in the {@code Vcpu} object; its display name is
 * the part of the group instance after the group id ({@code 1303673:portunus}). In an export without the
 * {@code Vcpu} object every {@code Group Memory} instance is taken for a VM, with its vCPU count unknown (0)
 * and ready and co-stop left as esxtop sums them. Counter meanings follow
 * VMware's "Interpreting esxtop Statistics" (memory screen, CPU screen).
 */
public final class EsxtopAnalyzer {
    private EsxtopAnalyzer() {}

    /** Analyses {@code file}. */
    public static EsxtopAnalysis analyze(Path file) {
        return analyze(file, fraction -> { });
    }

    /** Analyses {@code file}, telling {@code progress} the fraction read (roughly, by characters) every 256 rows. */
    public static EsxtopAnalysis analyze(Path file, java.util.function.DoubleConsumer progress) {
        try (PdhCsvFile f = PdhCsvFile.open(file)) {
            List<CounterPath> cols = f.columns();
            Map<String, Integer> vcpus = new LinkedHashMap<>();
            Map<String, String> names = new LinkedHashMap<>();
            boolean hasVcpuObject = cols.stream().anyMatch(p -> p != null && p.object().equalsIgnoreCase("Vcpu"));
            for (CounterPath p : cols) {
                if (p == null || p.instance() == null) continue;
                if (!hasVcpuObject && p.object().equals("Group Memory") && p.instance().indexOf(':') > 0) {
                    // Exports without the Vcpu object (memvisor's simulator writes none): every memory group is a VM, vCPUs unknown.
                    vcpus.putIfAbsent(p.instance().substring(0, p.instance().indexOf(':')), 0);
                }
                if (!p.object().equalsIgnoreCase("Vcpu")) continue;
                String[] parts = p.instance().split(":");
                if (parts.length >= 4 && parts[3].startsWith("vmx-vcpu-") && p.counter().equals("% Used")) {
                    vcpus.merge(parts[0], 1, Integer::sum);
                }
            }
            // groupId -> metric -> column; host metric -> column
            Map<String, EnumMap<EsxtopMetric, Integer>> vmCols = new LinkedHashMap<>();
            EnumMap<EsxtopMetric, Integer> hostCols = new EnumMap<>(EsxtopMetric.class);
            boolean sawGroups = false;
            String machine = null;
            for (int i = 0; i < cols.size(); i++) {
                CounterPath p = cols.get(i);
                if (p == null) continue;
                if (machine == null) machine = p.machine();
                if (p.object().startsWith("Group ")) sawGroups = true;
                for (EsxtopMetric m : EsxtopMetric.values()) {
                    if (!m.object().equalsIgnoreCase(p.object()) || !m.counter().equalsIgnoreCase(p.counter())) continue;
                    if (m.scope() == EsxtopMetric.Scope.HOST) {
                        boolean wanted = m.object().equals("Physical Cpu") ? "_Total".equals(p.instance()) : p.instance() == null;
                        if (wanted) hostCols.putIfAbsent(m, i);
                    } else if (p.instance() != null) {
                        int colon = p.instance().indexOf(':');
                        if (colon <= 0) continue;
                        String gid = p.instance().substring(0, colon);
                        if (!vcpus.containsKey(gid)) continue;
                        names.putIfAbsent(gid, p.instance().substring(colon + 1));
                        vmCols.computeIfAbsent(gid, g -> new EnumMap<>(EsxtopMetric.class)).putIfAbsent(m, i);
                    }
                }
            }
            if (!sawGroups) {
                throw new FileFormatException(file, 1, "an esxtop batch export with 'Group Memory' and 'Group Cpu' counters, found none");
            }
            // Flatten the selection: one stream column per (entity, metric).
            List<Integer> selected = new ArrayList<>();
            hostCols.values().forEach(selected::add);
            vmCols.values().forEach(m -> selected.addAll(m.values()));
            int[] sel = selected.stream().mapToInt(Integer::intValue).toArray();
            int[] order = sel.clone();
            Arrays.sort(order);
            int[] posOf = new int[sel.length];
            for (int k = 0; k < sel.length; k++) posOf[k] = Arrays.binarySearch(order, sel[k]);
            ValueRange[] ranges = new ValueRange[order.length];
            for (EsxtopMetric m : hostCols.keySet()) ranges[Arrays.binarySearch(order, hostCols.get(m))] = m.range();
            for (EnumMap<EsxtopMetric, Integer> vm : vmCols.values()) {
                for (Map.Entry<EsxtopMetric, Integer> e : vm.entrySet()) ranges[Arrays.binarySearch(order, e.getValue())] = e.getKey().range();
            }
            Growable times = new Growable();
            Growable[] data = new Growable[sel.length];
            for (int k = 0; k < data.length; k++) data[k] = new Growable();
            long rows = f.stream(order, ranges, (t, values, line) -> {
                if ((times.n & 255) == 255) progress.accept(Math.min(1.0, (double) f.charsRead() / Math.max(1, f.sizeBytes())));
                times.add(t);
                for (int k = 0; k < sel.length; k++) data[k].add(values[posOf[k]]);
            });
            if (rows == 0) throw f.noSamples();
            long[] t = times.toLongs();
            int k = 0;
            EnumMap<EsxtopMetric, double[]> hostSeries = new EnumMap<>(EsxtopMetric.class);
            for (EsxtopMetric m : hostCols.keySet()) hostSeries.put(m, data[k++].toDoubles());
            EntityReport host = new EntityReport(machine == null ? "host" : machine, null, 0, hostSeries, hostFlags(hostSeries));
            List<EntityReport> vms = new ArrayList<>();
            for (Map.Entry<String, EnumMap<EsxtopMetric, Integer>> e : vmCols.entrySet()) {
                int n = vcpus.get(e.getKey());
                EnumMap<EsxtopMetric, double[]> s = new EnumMap<>(EsxtopMetric.class);
                for (EsxtopMetric m : e.getValue().keySet()) {
                    double[] v = data[k++].toDoubles();
                    if (m.perVcpu() && n > 0) for (int i = 0; i < v.length; i++) v[i] /= n;
                    s.put(m, v);
                }
                vms.add(new EntityReport(names.get(e.getKey()), e.getKey(), n, s, vmFlags(s)));
            }
            List<String> warnings = new ArrayList<>();
            String w = stateWarning(hostSeries, f.file());
            if (w != null) warnings.add(w);
            return new EsxtopAnalysis(file.toString(), t, host, vms, warnings);
        }
    }

    static List<EsxtopFlag> vmFlags(Map<EsxtopMetric, double[]> s) {
        List<EsxtopFlag> flags = new ArrayList<>();
        if (anyBoth(s.get(EsxtopMetric.MEMCTL), s.get(EsxtopMetric.SWAPPED))) flags.add(EsxtopFlag.BALLOONING_AND_SWAPPING);
        if (anyPositive(s.get(EsxtopMetric.SWAP_READ)) || anyPositive(s.get(EsxtopMetric.SWAP_WRITE))) flags.add(EsxtopFlag.SWAPPING_ACTIVE);
        if (mean(s.get(EsxtopMetric.READY)) > 10) flags.add(EsxtopFlag.READY_ABOVE_10);
        if (mean(s.get(EsxtopMetric.COSTOP)) > 3) flags.add(EsxtopFlag.COSTOP_ABOVE_3);
        double saved = last(s.get(EsxtopMetric.SHARED_SAVED)), granted = last(s.get(EsxtopMetric.GRANTED));
        if (granted > 0 && saved >= 0.25 * granted) flags.add(EsxtopFlag.LARGE_SHARING_SAVINGS);
        return flags;
    }

    static List<EsxtopFlag> hostFlags(Map<EsxtopMetric, double[]> s) {
        List<EsxtopFlag> flags = new ArrayList<>();
        if (anyBoth(s.get(EsxtopMetric.HOST_MEMCTL), s.get(EsxtopMetric.HOST_SWAPPED))) flags.add(EsxtopFlag.BALLOONING_AND_SWAPPING);
        if (anyPositive(s.get(EsxtopMetric.HOST_SWAP_READ)) || anyPositive(s.get(EsxtopMetric.HOST_SWAP_WRITE))) flags.add(EsxtopFlag.SWAPPING_ACTIVE);
        double saved = last(s.get(EsxtopMetric.HOST_SHARED_SAVED)), machine = last(s.get(EsxtopMetric.HOST_MACHINE));
        if (machine > 0 && saved >= 0.10 * machine) flags.add(EsxtopFlag.LARGE_SHARING_SAVINGS);
        double worst = max(s.get(EsxtopMetric.HOST_STATE));
        if (worst >= EsxtopMemoryState.CLEAR.kernelState()) flags.add(EsxtopFlag.MEMORY_STATE_NOT_HIGH);
        if (worst >= EsxtopMemoryState.SOFT.kernelState()) flags.add(EsxtopFlag.MEMORY_STATE_SOFT_OR_WORSE);
        return flags;
    }

    /**
     * Kernel State is read with ESXi 6's five-state numbering; an ESXi 5.x export numbers four states (1 = soft).
     * Where the file also has free memory and minFree, a state two or more steps from what free memory says
     * (hysteresis explains one) is reported, not silently reinterpreted.
     */
    static String stateWarning(Map<EsxtopMetric, double[]> s, java.nio.file.Path file) {
        double[] state = s.get(EsxtopMetric.HOST_STATE), free = s.get(EsxtopMetric.HOST_FREE), min = s.get(EsxtopMetric.HOST_MIN_FREE);
        if (state == null || free == null || min == null) return null;
        for (int i = 0; i < state.length; i++) {
            EsxtopMemoryState reported = EsxtopMemoryState.ofKernelState(state[i]);
            if (reported == null || Double.isNaN(free[i]) || !(min[i] > 0)) continue;
            EsxtopMemoryState expected = EsxtopMemoryState.ofFreeFraction(free[i] / min[i]);
            if (Math.abs(expected.ordinal() - reported.ordinal()) >= 2) {
                return String.format(java.util.Locale.ROOT, "%s: sample %d has Kernel State %d (%s in ESXi 6.0 and later), but free memory is %.0f %% of"
                        + " MinFree, which is %s; an ESXi 5.x export numbers four states (0 high, 1 soft, 2 hard, 3 low)", file, i + 1,
                        (int) state[i], reported.id(), 100 * free[i] / min[i], expected.id());
            }
        }
        return null;
    }

    private static boolean anyBoth(double[] a, double[] b) {
        if (a == null || b == null) return false;
        for (int i = 0; i < a.length; i++) if (a[i] > 0 && b[i] > 0) return true;
        return false;
    }

    private static boolean anyPositive(double[] a) {
        if (a == null) return false;
        for (double v : a) if (v > 0) return true;
        return false;
    }

    private static double max(double[] a) {
        if (a == null) return Double.NaN;
        double m = Double.NaN;
        for (double v : a) if (!Double.isNaN(v) && (Double.isNaN(m) || v > m)) m = v;
        return m;
    }

    private static double mean(double[] a) {
        if (a == null) return Double.NaN;
        double sum = 0;
        int n = 0;
        for (double v : a) if (!Double.isNaN(v)) { sum += v; n++; }
        return n == 0 ? Double.NaN : sum / n;
    }

    private static double last(double[] a) {
        if (a == null) return Double.NaN;
        for (int i = a.length - 1; i >= 0; i--) if (!Double.isNaN(a[i])) return a[i];
        return Double.NaN;
    }

    /** A growable primitive array, so long captures do not box a value per sample. */
    private static final class Growable {
        private double[] d = new double[64];
        private long[] l;
        private int n;

        void add(double v) {
            if (n == d.length) d = Arrays.copyOf(d, n * 2);
            d[n++] = v;
        }

        void add(long v) {
            if (l == null) l = new long[64];
            if (n == l.length) l = Arrays.copyOf(l, n * 2);
            l[n++] = v;
        }

        double[] toDoubles() { return Arrays.copyOf(d, n); }

        long[] toLongs() { return l == null ? new long[0] : Arrays.copyOf(l, n); }
    }
}
