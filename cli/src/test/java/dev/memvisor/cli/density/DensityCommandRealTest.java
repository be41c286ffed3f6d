package dev.memvisor.cli.density;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memvisor.cli.CliRun;
import dev.memvisor.qemu.act.MemoryCgroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code memvisor density} on real TCG guests, end to end: a short run of two policies keeps the
 * command's invariants (the stopping rule, no reservation violated, every guest stopped, the cgroup
 * and swap file gone); a guest killed by the host's OOM killer stops the run and everything is
 * removed; a run ended by SIGTERM leaves nothing behind. Each check of "nothing left" is made from
 * outside: /proc, the cgroup file system and /proc/swaps.
 */
class DensityCommandRealTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** This worktree's own image (the shared default in /tmp may be rebuilt by another checkout meanwhile). */
    private static final String IMAGE = Path.of(System.getProperty("memvisor.root", "..")).resolve("cli/target/guest-image").toAbsolutePath().toString();
    @TempDir Path dir;

    @Test
    void aShortRunOfTwoPoliciesKeepsItsInvariants() throws Exception {
        Path mix = write("""
                host: {memory: 400M, overheadPerVm: 80M, swap: 512M}
                step: 5s
                warmup: 8s
                window: 10s
                guests:
                  - {name: busy, memory: 160M, reservation: 112M, workingSet: 48M, rate: 500, fill: unique, cache: 16M}
                  - {name: idle, count: 2, memory: 160M, workingSet: 8M, rate: 10, cache: 32M, cacheOps: 0.01}
                """);
        long pid = ProcessHandle.current().pid();
        CliRun r = CliRun.of("density", mix.toString(), "--real", "--image-dir", IMAGE, "--policies", "esx,static", "--json", "--out", dir.resolve("out").toString());
        assertThat(r.status()).as(r.err()).isZero();
        JsonNode root = JSON.readTree(r.out());
        double bound = root.path("bounds").path("p95Slowdown").asDouble();
        long swapBound = root.path("bounds").path("hostSwapBytes").asLong();
        assertThat(root.path("baselines")).hasSize(2);
        for (JsonNode b : root.path("baselines")) assertThat(b.path("opsPerSecond").asDouble()).isGreaterThan(0.8 * b.path("scheduleMeanRate").asDouble());
        for (JsonNode p : root.path("policies")) {
            JsonNode real = p.path("real");
            String what = p.path("policy").asText() + ": " + real;
            assertThat(real.path("reservationViolations").asLong()).as(what).isZero();
            assertThat(real.path("guestsStopped").asInt()).as(what).isEqualTo(real.path("guestsStarted").asInt()).isPositive();
            JsonNode steps = real.path("steps");
            int admitted = real.path("guestsAdmitted").asInt();
            String stop = real.path("stopReason").asText();
            // every admitted step is within the bounds; the step after the last admitted one broke the bound it names
            for (int i = 0; i < admitted; i++) assertThat(passes(steps.get(i), bound, swapBound)).as(what).isTrue();
            if (stop.equals("all-admitted")) {
                assertThat(admitted).as(what).isEqualTo(3);
            } else {
                assertThat(steps.size()).as(what).isEqualTo(admitted + 1);
                JsonNode failed = steps.get(admitted);
                switch (stop) {
                    case "slowdown" -> assertThat(failed.path("p95Slowdown").isNull() || failed.path("p95Slowdown").asDouble() > bound).as(what).isTrue();
                    case "host-swap" -> assertThat(failed.path("hostSwapTrafficBytes").asLong()).as(what).isGreaterThan(swapBound);
                    case "oom" -> assertThat(failed.path("oomKilled")).as(what).isNotEmpty();
                    default -> throw new AssertionError("unexpected stop " + stop + " in " + what);
                }
            }
        }
        assertThat(dir.resolve("out/density.json")).isNotEmptyFile();
        assertThat(Files.readString(dir.resolve("out/density.html"))).contains("Guests admitted").contains("uPlot");
        assertNothingLeft(pid);
    }

    @Test
    void aGuestKilledByTheHostsOomKillerStopsTheRunAndNothingIsLeft() throws Exception {
        // two guests cannot fit 300M with 16M of swap: the kernel kills a QEMU in the cgroup
        Path mix = write("""
                host: {memory: 300M, overheadPerVm: 80M, swap: 16M}
                step: 5s
                warmup: 5s
                window: 5s
                guests:
                  - {name: g, count: 3, memory: 160M, workingSet: 96M, rate: 200, fill: unique}
                """);
        Path baselines = dir.resolve("baselines.json");
        Files.writeString(baselines, "{\"baselines\": [{\"entry\": 0, \"guest\": \"g-1\", \"schedule\": \"96M @ 200/s\", \"opsPerSecond\": 200}]}");
        long pid = ProcessHandle.current().pid();
        CliRun r = CliRun.of("density", mix.toString(), "--real", "--image-dir", IMAGE, "--policies", "static", "--json", "--baselines", baselines.toString());
        assertThat(r.status()).as(r.err()).isZero();
        JsonNode real = JSON.readTree(r.out()).path("policies").get(0).path("real");
        assertThat(real.path("stopReason").asText()).as(real.toString()).isEqualTo("oom");
        assertThat(real.path("guestsAdmitted").asInt()).isLessThan(3);
        assertThat(real.path("guestsStopped").asInt()).isEqualTo(real.path("guestsStarted").asInt());
        assertNothingLeft(pid);
    }

    @Test
    void aRunEndedBySigtermLeavesNothingBehind() throws Exception {
        Path mix = write("""
                host: {memory: 1G, overheadPerVm: 80M, swap: 256M}
                step: 5s
                warmup: 60s
                window: 60s
                guests:
                  - {name: g, count: 2, memory: 160M, workingSet: 16M, rate: 50}
                """);
        Path baselines = dir.resolve("baselines.json");
        Files.writeString(baselines, "{\"baselines\": [{\"entry\": 0, \"guest\": \"g-1\", \"schedule\": \"16M @ 50/s\", \"opsPerSecond\": 50}]}");
        String ksmBefore = ksmRun();
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                "dev.memvisor.cli.Main", "density", mix.toString(), "--real", "--image-dir", IMAGE, "--policies", "esx", "--baselines", baselines.toString())
                .redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            // the first guest of the policy is up and the manager runs: end the command the way systemd or Ctrl-C would
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(line);
                if (line.contains("guest g-1 ready on")) break;
            }
            assertThat(lines).as(String.join("\n", lines)).anyMatch(l -> l.contains("guest g-1 ready on"));
            assertThat(runningQemus(p.pid())).isNotEmpty();
            // SIGTERM through the handle: Process.destroy() would also close our end of its output, which we read on
            p.toHandle().destroy();
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the command ends within 120 s of SIGTERM").isTrue();
            while ((line = in.readLine()) != null) lines.add(line);
        } finally {
            // on a failure above: SIGTERM, so its shutdown hook removes the guests, cgroup and swap file; SIGKILL only if that hangs
            if (p.isAlive()) {
                p.toHandle().destroy();
                if (!p.waitFor(120, TimeUnit.SECONDS)) p.destroyForcibly();
            }
        }
        assertThat(String.join("\n", lines)).contains("aborted").contains("removed cgroup").contains("removed swap file");
        assertNothingLeft(p.pid());
        // the command's own lines say whether it put KSM back ("ksm: settings restored") or why not
        assertThat(ksmRun()).as(String.join("\n", lines)).isEqualTo(ksmBefore);
    }

    private static boolean passes(JsonNode step, double bound, long swapBound) {
        return !step.path("p95Slowdown").isNull() && step.path("p95Slowdown").asDouble() <= bound && step.path("hostSwapTrafficBytes").asLong() <= swapBound
                && step.path("oomKilled").isEmpty();
    }

    /** No QEMU of the run, no cgroup, no swap file (in /proc/swaps or on disk), no run directory: checked from outside the command. */
    private static void assertNothingLeft(long pid) throws IOException {
        assertThat(runningQemus(pid)).isEmpty();
        Path cg = MemoryCgroup.detect(Path.of("/sys/fs/cgroup")).root().resolve("memvisor/density-" + pid);
        assertThat(cg).doesNotExist();
        Path swap = Path.of("/var/tmp/memvisor-density-" + pid + ".swap");
        assertThat(swap).doesNotExist();
        assertThat(Files.readString(Path.of("/proc/swaps"))).doesNotContain(swap.toString());
        assertThat(Path.of(System.getProperty("java.io.tmpdir"), "memvisor-density-" + pid)).doesNotExist();
    }

    /** Processes whose command line names the run directory of the command with this pid. */
    private static List<Long> runningQemus(long pid) throws IOException {
        String marker = "memvisor-density-" + pid + "/";
        List<Long> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(x -> x.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.ISO_8859_1);
                    if (cmd.startsWith("qemu-system") || cmd.contains("/qemu-system")) {
                        if (cmd.contains(marker)) found.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException e) {
                    // gone meanwhile
                }
            }
        }
        return found;
    }

    private static String ksmRun() throws IOException {
        Path f = Path.of("/sys/kernel/mm/ksm/run");
        return Files.exists(f) ? Files.readString(f).trim() : "";
    }

    private Path write(String text) throws IOException {
        Path f = dir.resolve("mix.yaml");
        Files.writeString(f, text);
        return f;
    }
}
