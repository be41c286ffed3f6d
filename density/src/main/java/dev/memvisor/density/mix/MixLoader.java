package dev.memvisor.density.mix;

import dev.memvisor.core.unit.Durations;
import dev.memvisor.core.unit.Size;
import dev.memvisor.settings.PolicySettings;
import dev.memvisor.settings.SettingsException;
import dev.memvisor.settings.YamlDocument;
import dev.memvisor.sim.trace.BitbrainsTrace;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a mix file ({@link MixFile}) with the settings module (file, line and key in every error),
 * applies {@code --set} overrides and resolves it into a {@link Mix}: entries expanded, schedules
 * made (a Bitbrains trace's rows sampled every {@code stepSpan} of trace time: memory used over
 * provisioned times the guest's memory, CPU busy over provisioned cores times the guest's rate).
 */
public final class MixLoader {
    /** Memory a guest's kernel and init keep for themselves: a working set must leave it (Debian cloud kernel 6.1 with busybox, measured about 40M). */
    public static final long GUEST_OS_BYTES = 48 * Size.MIB;

    private MixLoader() {}

    /**
     * Loads and checks a mix file.
     *
     * @throws SettingsException naming the file, the line (or the override) and the key
     */
    public static Mix load(Path file, List<String> overrides) {
        YamlDocument doc = YamlDocument.read(file);
        PolicySettings.expandShorthand(doc);
        for (String o : overrides) doc.set(o);
        MixFile f = doc.bind(MixFile.class);
        return resolve(doc, f, file);
    }

    private static Mix resolve(YamlDocument doc, MixFile f, Path file) {
        if (f.guests == null || f.guests.isEmpty()) throw doc.error("guests", "expected a list of guests, each with at least a name");
        if (f.host == null) throw doc.error("host", "expected a mapping such as {memory: 1G}");
        if (f.policy == null) throw doc.error("policy", "expected a mapping of policy parameters");
        Duration step = Durations.parse(f.step);
        if (step.toNanos() % 1_000_000_000L != 0) throw doc.error("step", "got " + f.step + ", expected whole seconds (the guest's workload counts in seconds)");
        Duration warmup = Durations.parse(f.warmup);
        Duration window = Durations.parse(f.window);
        long hostBytes = Size.parse(f.host.memory);
        List<MixGuest> guests = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        for (int i = 0; i < f.guests.size(); i++) {
            MixFile.Guest g = f.guests.get(i);
            String key = "guests[" + i + "]";
            if (g.name == null || !g.name.matches("[A-Za-z0-9_.-]+")) throw doc.error(key + ".name", "got '" + g.name + "', expected letters, digits, '.', '_' or '-'");
            long memory = Size.parse(g.memory);
            long reservation = Size.parse(g.reservation);
            if (reservation > memory) throw doc.error(key + ".reservation", "reservation " + g.reservation + " exceeds memory " + g.memory);
            if (!g.fill.matches("same|unique|zero")) throw doc.error(key + ".fill", "got '" + g.fill + "', expected same, unique or zero");
            if (!g.shares.matches("(?i)low|normal|high|[1-9][0-9]{0,17}")) throw doc.error(key + ".shares", "got '" + g.shares + "', expected low, normal, high or a number > 0");
            Schedule schedule = schedule(doc, g, key, memory, file, window, step);
            if (schedule.maxWorkingSetBytes() > memory - GUEST_OS_BYTES) {
                throw doc.error(key + (g.workingSet.equals("0") ? ".schedule" : ".workingSet"), "a working set of " + Size.format(schedule.maxWorkingSetBytes())
                        + " leaves the guest's kernel less than " + Size.format(GUEST_OS_BYTES) + " of its " + g.memory);
            }
            long period = step.toSeconds() * schedule.length();
            if (window.toSeconds() % period != 0 || window.toNanos() % 1_000_000_000L != 0) {
                throw doc.error("window", "got " + f.window + ", expected a multiple of " + key + "'s schedule period (" + schedule.length() + " steps of "
                        + f.step + " = " + period + "s), so every guest's window sees whole periods");
            }
            for (int c = 1; c <= g.count; c++) {
                String name = g.count == 1 ? g.name : g.name + "-" + c;
                String first = names.putIfAbsent(name, key);
                if (first != null) throw doc.error(key + ".name", "a second guest named " + name + " (the first comes from " + first + ")");
                guests.add(new MixGuest(name, i, memory, reservation, g.shares, g.fill, Size.parse(g.cache), g.cacheOps, Size.parse(g.swap), schedule));
            }
        }
        String name = f.name != null && !f.name.isBlank() ? f.name : file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        com.fasterxml.jackson.databind.JsonNode block = doc.root().get("policy");
        com.fasterxml.jackson.databind.node.ObjectNode policyBlock = block != null && block.isObject()
                ? ((com.fasterxml.jackson.databind.node.ObjectNode) block).deepCopy()
                : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        policyBlock.remove("name");
        dev.memvisor.sim.hypervisor.HostReclaim reclaim = dev.memvisor.sim.hypervisor.HostReclaim.parse(f.host.reclaim);
        if (f.host.reclaim != null && reclaim == null) throw doc.error("host.reclaim", "got " + f.host.reclaim + ", expected random or lru");
        if (f.host.storage != null) {
            try {
                dev.memvisor.sim.scenario.ScenarioValidator.storage(f.host.storage, "host.storage");
            } catch (dev.memvisor.sim.scenario.ScenarioException e) {
                throw doc.error(e.field(), e.getMessage());
            }
        }
        return new Mix(name, file, f.policy.config(), policyBlock, hostBytes, Size.parse(f.host.overheadPerVm), Size.parse(f.host.swap), f.host.cores,
                reclaim, f.host.storage, Durations.parse(f.host.interval), step, warmup, window, guests);
    }

    private static Schedule schedule(YamlDocument doc, MixFile.Guest g, String key, long memory, Path file, Duration window, Duration step) {
        int ways = (g.workingSet.equals("0") ? 0 : 1) + (g.schedule == null ? 0 : 1) + (g.bitbrains == null ? 0 : 1);
        if (ways > 1) throw doc.error(key, "give one of workingSet, schedule or bitbrains, not several");
        if (g.schedule != null) {
            if (g.schedule.isEmpty()) throw doc.error(key + ".schedule", "expected at least one step");
            long[] ws = new long[g.schedule.size()];
            int[] rates = new int[ws.length];
            for (int s = 0; s < ws.length; s++) {
                if (g.schedule.get(s) == null) throw doc.error(key + ".schedule[" + s + "]", "expected a mapping such as {workingSet: 64M, rate: 500}");
                ws[s] = Size.parse(g.schedule.get(s).workingSet);
                rates[s] = g.schedule.get(s).rate;
            }
            return new Schedule(ws, rates);
        }
        if (g.bitbrains != null) return bitbrains(doc, g, key, memory, file, window, step);
        return Schedule.constant(Size.parse(g.workingSet), g.rate);
    }

    private static Schedule bitbrains(YamlDocument doc, MixFile.Guest g, String key, long memory, Path file, Duration window, Duration step) {
        Path trace = file.toAbsolutePath().getParent().resolve(g.bitbrains.file).normalize();
        if (!Files.isRegularFile(trace)) throw doc.error(key + ".bitbrains.file", "no such file: " + trace);
        BitbrainsTrace t;
        try {
            t = BitbrainsTrace.read(trace);
        } catch (RuntimeException e) {
            throw doc.error(key + ".bitbrains.file", e.getMessage());
        }
        long provisioned = java.util.Arrays.stream(t.provisionedBytes()).max().orElse(0);
        if (provisioned <= 0) throw doc.error(key + ".bitbrains.file", trace + " has no provisioned memory in any row");
        int n = (int) Math.max(1, window.toSeconds() / step.toSeconds());
        long offset = Durations.parse(g.bitbrains.offset).toSeconds();
        long span = Durations.parse(g.bitbrains.stepSpan).toSeconds();
        long[] ws = new long[n];
        int[] rates = new int[n];
        long room = memory - GUEST_OS_BYTES;
        for (int i = 0; i < n; i++) {
            int row = t.rowAt(offset + (double) i * span);
            double used = Math.min(1.0, (double) t.usedBytes()[row] / provisioned);
            // a MiB-aligned share of the guest's memory, as the VM used of its own
            ws[i] = Math.min(room, Math.round(used * memory / Size.MIB) * Size.MIB);
            double busy = Math.min(1.0, t.cpuCores()[row] / Math.max(1, t.cores()[row]));
            rates[i] = (int) Math.max(1, Math.round(busy * g.rate));
        }
        return new Schedule(ws, rates);
    }
}
