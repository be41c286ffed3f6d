package dev.memvisor.density.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.memvisor.density.mix.Mix;
import dev.memvisor.density.mix.MixGuest;
import dev.memvisor.density.mix.Schedule;
import dev.memvisor.sim.scenario.Scenario;
import dev.memvisor.sim.scenario.ScenarioLoader;

import java.io.UncheckedIOException;
import java.util.List;

/**
 * The one place a mix becomes a simulator scenario (the YAML {@code memvisor simulate} reads, parsed
 * by its own {@link ScenarioLoader}). A guest becomes a VM of one vCPU whose synthetic workload
 * replays its schedule as repeated phases: the rate as references a second, the working set, uniform
 * access (skew 0, as mvload picks pages at random), every reference a write for unique pages and
 * none for shared ones (whose first touch holds image content, so identical guests start identical);
 * its cache disk and what it keeps resident from its boot ({@link #OS_BYTES}) are the image the guest
 * loads into its page cache at boot (the simulator's page cache does not grow with file reads). The run lasts warmup + window, every guest from the start.
 */
public final class MixScenario {
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).build());
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** CPU a paced guest keeps busy while it works (mvload sleeps between its 100 ms ticks). */
    static final double GUEST_CPU = 0.1;
    /**
     * What a real guest keeps resident from its boot besides the cache disk: its kernel and init, and
     * the free pages Linux's free page reporting never reports (it reports only free memory above the
     * low watermark plus 32 blocks of 2 MiB, mm/page_reporting.c), so QEMU keeps them; about 64M.
     */
    static final long OS_BYTES = 64L << 20;

    private MixScenario() {}

    /** The scenario text of {@code guests} of the mix under {@code policy}. */
    public static String text(Mix mix, String policy, List<MixGuest> guests) {
        ObjectNode root = NODES.objectNode();
        root.put("seed", 1);
        long seconds = mix.warmup().toSeconds() + mix.window().toSeconds();
        root.put("duration", seconds + "s");
        root.put("sampleInterval", gcd(seconds, mix.step().toSeconds()) + "s");
        ObjectNode pol = NODES.objectNode().put("name", policy);
        pol.setAll(mix.policyBlock());
        root.set("policy", pol);
        ObjectNode host = root.putObject("host");
        host.put("memory", mix.hostBytes());
        host.put("cores", mix.cores());
        host.put("controlInterval", mix.interval().toMillis() + "ms");
        host.put("overheadPerVm", mix.overheadBytes());
        if (mix.reclaim() != null) host.put("reclaim", mix.reclaim().toString());
        if (mix.storage() != null) {
            dev.memvisor.sim.scenario.StorageSpec s = mix.storage();
            ObjectNode storage = host.putObject("storage");
            if (s.type != null) storage.put("type", s.type);
            if (s.latency != null) storage.put("latency", s.latency);
            if (s.bandwidth != null) storage.put("bandwidth", s.bandwidth);
            if (s.parallelism != null) storage.put("parallelism", s.parallelism);
        }
        ArrayNode vms = root.putArray("vms");
        for (MixGuest g : guests) vms.add(vm(mix, g));
        try {
            return "# density " + mix.name() + ", " + guests.size() + " guests, " + policy + "\n" + YAML.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The scenario, parsed by the simulator's loader (the same call {@code memvisor simulate} makes). */
    public static Scenario scenario(Mix mix, String policy, List<MixGuest> guests) {
        return ScenarioLoader.parse(text(mix, policy, guests), mix.name() + "-" + policy + "-" + guests.size(), mix.file().toAbsolutePath().getParent(), List.of());
    }

    private static ObjectNode vm(Mix mix, MixGuest g) {
        ObjectNode vm = NODES.objectNode();
        vm.put("name", g.name());
        vm.put("memory", g.memoryBytes());
        vm.put("reservation", g.reservationBytes());
        vm.put("shares", g.shares());
        vm.put("vcpus", 1);
        vm.put("image", "default");
        vm.putObject("guest").put("osMemory", Math.min(g.memoryBytes() / 2, OS_BYTES + g.cacheBytes()));
        ObjectNode w = vm.putObject("workload");
        w.put("type", "synthetic");
        Schedule s = g.schedule();
        w.put("workingSet", Math.max(4096, s.maxWorkingSetBytes()));
        w.put("skew", 0.0);
        w.put("writeFraction", g.fill().equals("unique") ? 1.0 : 0.0);
        w.put("refsPerSecond", s.rates()[0]);
        w.put("cpu", GUEST_CPU);
        w.put("fromImage", g.fill().equals("same"));
        if (s.length() > 1) {
            w.put("repeat", true);
            ArrayNode phases = w.putArray("phases");
            for (int i = 0; i < s.length(); i++) {
                phases.addObject().put("duration", mix.step().toSeconds() + "s").put("workingSet", Math.max(4096, s.workingSetBytes()[i]))
                        .put("refsPerSecond", s.rates()[i]);
            }
        } else {
            w.put("workingSet", Math.max(4096, s.workingSetBytes()[0]));
        }
        return vm;
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
