package dev.memvisor.fleet.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memvisor.fleet.model.Fleet;
import dev.memvisor.fleet.model.FleetVm;
import dev.memvisor.fleet.placement.Multifit;
import dev.memvisor.fleet.placement.Placement;
import dev.memvisor.fleet.report.HostFiles;
import dev.memvisor.fleet.run.HostOutcome;
import dev.memvisor.fleet.run.HostTask;
import dev.memvisor.fleet.run.SparkHosts;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The driver's side of a fleet run: for every policy a {@link HostCountSearch}; each round places
 * the VMs on each policy's next host count, runs all those host simulations as one Spark job,
 * aggregates them per candidate and records pass or fail. Placement, search and aggregation never
 * depend on which task finished first, so the result is the same whatever the parallelism.
 */
public final class FleetSearch {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Fleet fleet;
    private final HostFiles files;
    private final PrintWriter err;
    private final Map<Integer, Placement> placements = new HashMap<>();

    /** A search over {@code fleet} writing host files with {@code files} and progress to {@code err}. */
    public FleetSearch(Fleet fleet, HostFiles files, PrintWriter err) {
        this.fleet = fleet;
        this.files = files;
        this.err = err;
    }

    /** The host count first-fit-decreasing gives at the host's memory under the fleet's rule: where the search starts. */
    public int firstGuess() {
        return Multifit.binsNeeded(fleet.vms(), fleet.machineBytes(), fleet::placementBytes);
    }

    /** Runs the search on {@code spark}. */
    public FleetResult run(SparkHosts spark) {
        long started = System.nanoTime();
        int first = firstGuess();
        Map<String, HostCountSearch> searches = new LinkedHashMap<>();
        Map<String, List<Candidate>> tried = new LinkedHashMap<>();
        for (String p : fleet.policies()) {
            searches.put(p, new HostCountSearch(fleet.minHosts(), fleet.maxHosts(), first));
            tried.put(p, new ArrayList<>());
        }
        int round = 0, sims = 0;
        long taskMillis = 0;
        while (true) {
            Map<String, Integer> next = new LinkedHashMap<>();
            for (var e : searches.entrySet()) {
                OptionalInt n = e.getValue().next();
                if (n.isPresent()) next.put(e.getKey(), n.getAsInt());
            }
            if (next.isEmpty()) break;
            round++;
            List<HostTask> tasks = new ArrayList<>();
            Map<String, Candidate> refused = new LinkedHashMap<>();
            for (var e : next.entrySet()) {
                Placement pl = placement(e.getValue());
                if (!admitted(pl)) {
                    refused.put(e.getKey(), new Candidate(e.getKey(), e.getValue(), pl.capacityBytes(), false, false, List.of(),
                            "", 0, 0, 0, 0, 0, 0, 0, List.of()));
                    continue;
                }
                tasks.addAll(tasks(e.getKey(), e.getValue(), pl));
            }
            // the biggest hosts first, so the last task to finish is a short one (LPT); results are keyed, not ordered
            List<HostTask> ordered = new ArrayList<>(tasks);
            ordered.sort(Comparator.comparingInt((HostTask t) -> -t.yaml().length()).thenComparing(HostTask::name));
            String what = "round " + round + " (" + describe(next) + ")";
            err.println("fleet: " + what + ": " + ordered.size() + " host simulations");
            err.flush();
            List<HostOutcome> outs = spark.run(ordered, what);
            sims += outs.size();
            for (HostOutcome o : outs) {
                taskMillis += o.wallMillis();
                files.summary(o);
            }
            for (var e : next.entrySet()) {
                Candidate c = refused.containsKey(e.getKey()) ? refused.get(e.getKey())
                        : aggregate(e.getKey(), e.getValue(), outs);
                tried.get(e.getKey()).add(c);
                searches.get(e.getKey()).record(e.getValue(), c.pass());
                err.printf(java.util.Locale.ROOT, "fleet: %s on %s: %s (max slowdown %.3f%s)%n", e.getKey(), hosts(e.getValue()),
                        c.pass() ? "meets the bound" : "misses the bound", c.maxSlowdown(),
                        c.admitted() ? "" : "; reservations and overheads do not fit a host");
                err.flush();
            }
        }
        List<PolicyResult> results = new ArrayList<>();
        for (String p : fleet.policies()) {
            OptionalInt a = searches.get(p).answer();
            Integer n = a.isPresent() ? a.getAsInt() : null;
            results.add(new PolicyResult(p, n, List.copyOf(tried.get(p)), n == null ? null : placement(n)));
        }
        return new FleetResult(fleet, first, results, sims, (System.nanoTime() - started) / 1_000_000, taskMillis,
                spark.master(), spark.parallelism());
    }

    private Placement placement(int hosts) {
        return placements.computeIfAbsent(hosts, n -> Multifit.place(fleet.vms(), n, fleet::placementBytes));
    }

    /** vSphere-style admission control: each host's reservations plus overheads fit its memory. */
    private boolean admitted(Placement pl) {
        for (List<FleetVm> h : pl.hosts()) {
            long need = 0;
            for (FleetVm v : h) need += v.reservationBytes() + fleet.overheadBytes();
            if (need >= fleet.machineBytes()) return false;
        }
        return true;
    }

    private List<HostTask> tasks(String policy, int hosts, Placement pl) {
        List<HostTask> out = new ArrayList<>();
        String base = fleet.file().baseDir().toString();
        for (int i = 0; i < pl.hosts().size(); i++) {
            List<ObjectNode> vms = pl.hosts().get(i).stream().map(FleetVm::scenarioVm).toList();
            String name = HostFiles.name(policy, hosts, i);
            String title = "memvisor fleet " + fleet.file().path().getFileName() + ": policy " + policy + ", host " + (i + 1)
                    + " of " + pl.hosts().size() + " (" + hosts + " hosts tried); `memvisor simulate` runs it alone";
            HostTask t = new HostTask(policy, hosts, i, name, fleet.scenarios().text(policy, title, vms), base);
            files.scenario(t);
            out.add(t);
        }
        return out;
    }

    private Candidate aggregate(String policy, int hosts, List<HostOutcome> outs) {
        List<HostOutcome> mine = outs.stream().filter(o -> o.task().policy().equals(policy) && o.task().hosts() == hosts)
                .sorted(Comparator.comparingInt(o -> o.task().index())).toList();
        List<Double> slow = new ArrayList<>();
        List<Long> wall = new ArrayList<>();
        String worst = "";
        double worstSlow = -1;
        int over = 0;
        long swapped = 0, balloon = 0, shared = 0, swapUsed = 0, violations = 0;
        double hardLow = 0;
        for (HostOutcome o : mine) {
            JsonNode s;
            try {
                s = JSON.readTree(o.summaryJson());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            JsonNode h = s.get("host");
            shared += h.get("sharedSavedBytes").asLong();
            swapUsed += h.get("peakSwapUsedBytes").asLong();
            violations += h.get("reservationViolationPages").asLong();
            hardLow += h.get("secondsInState").get("hard").asDouble() + h.get("secondsInState").get("low").asDouble();
            for (JsonNode v : s.get("vms")) {
                double sd = v.get("slowdown").asDouble();
                slow.add(sd);
                if (sd > fleet.slowdownBound()) over++;
                if (sd > worstSlow) {
                    worstSlow = sd;
                    worst = v.get("name").asText();
                }
                swapped += v.get("peakSwappedBytes").asLong();
                balloon += v.get("peakBalloonBytes").asLong();
            }
            wall.add(o.wallMillis());
        }
        slow.sort(Double::compare);
        return new Candidate(policy, hosts, placement(hosts).capacityBytes(), true, over == 0, List.copyOf(slow), worst, over,
                swapped, balloon, shared, swapUsed, hardLow, violations, List.copyOf(wall));
    }

    private static String hosts(int n) {
        return n + (n == 1 ? " host" : " hosts");
    }

    private static String describe(Map<String, Integer> next) {
        StringBuilder b = new StringBuilder();
        next.forEach((p, n) -> b.append(b.length() == 0 ? "" : ", ").append(p).append(' ').append(hosts(n)));
        return b.toString();
    }
}
