package dev.memvisor.cli.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memvisor.cli.CliRun;
import dev.memvisor.libvirt.LibvirtDaemon;
import dev.memvisor.libvirt.TestDomains;
import dev.memvisor.qemu.launch.Await;
import dev.memvisor.qemu.launch.RunDirectory;
import dev.memvisor.qemu.manager.HostConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code memvisor run} (the real command, in its own JVM) on libvirt's domains, end to end against
 * Debian's libvirtd started by the test and TCG domains booting memvisor's guest image: two domains
 * with a balloon and one without, shared by the test methods (their boot is most of the cost); each
 * method starts its own manager. Everything is checked from outside the manager: {@code virsh
 * dommemstat}, {@code virsh memtune}, {@code virsh dumpxml}. The fixture destroys every domain, stops
 * the daemons and removes what libvirt made, and the last method checks the manager left nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LibvirtRunRealTest {
    private static final Duration SETTLE = Duration.ofSeconds(90);
    private static final long MIB = 1L << 20;
    private final ObjectMapper json = new ObjectMapper();
    private final TestDomains.Spec a = TestDomains.Spec.balloon("a", 256);
    private final TestDomains.Spec b = TestDomains.Spec.balloon("b", 256);
    private final TestDomains.Spec nob = TestDomains.Spec.balloon("nob", 128).withoutBalloon();
    private final TestDomains.Spec c = TestDomains.Spec.balloon("c", 192);
    private Path dir;
    private Path emptyRunDir;
    private LibvirtDaemon daemon;

    @BeforeAll
    void startDomains() throws Exception {
        dir = Path.of(System.getProperty("memvisor.root", "..")).resolve("cli/target/libvirt-run-test").toAbsolutePath();
        RunDirectory.delete(dir);
        emptyRunDir = Files.createDirectories(dir.resolve("run"));
        daemon = LibvirtDaemon.start(dir.resolve("logs"));
        try {
            for (TestDomains.Spec s : List.of(a, b, nob)) TestDomains.start(s, dir);
            TestDomains.awaitReady(a, dir);
            TestDomains.awaitReady(b, dir);
        } catch (Exception | AssertionError e) {
            daemon.close();
            throw e;
        }
    }

    @AfterAll
    void stopDomains() {
        // destroys every test domain, stops the daemons, removes libvirt's cgroups and run directory; throws on what it cannot
        if (daemon != null) daemon.close();
    }

    /** Issue 14: no host.yaml, no option: every domain with a balloon is managed, the one without is reported once; top follows it. */
    @Test
    @Order(1)
    void withNoConfigurationItManagesEveryDomainWithABalloon() throws Exception {
        Assumptions.assumeFalse(Files.exists(HostConfig.SYSTEM_FILE), HostConfig.SYSTEM_FILE + " exists here: memvisor run would read it");
        try (Manager m = Manager.start(this, "zero")) {
            List<JsonNode> d = m.awaitDecisions(2);
            JsonNode last = d.get(d.size() - 1);
            assertThat(vm(last, a).path("up").asBoolean()).as("%s", last).isTrue();
            assertThat(vm(last, b).path("up").asBoolean()).isTrue();
            assertThat(vm(last, a).path("MEMSZ").asLong()).isEqualTo(256 * MIB);
            assertThat(vm(last, nob).path("managed").asBoolean(true)).isFalse();
            assertThat(vm(last, nob).path("reason").asText()).contains("no balloon device (<memballoon model='none'/>)");
            // the state file at its default place, which top reads by default
            assertThat(HostConfig.DEFAULT_STATE_FILE).exists();
            CliRun top = CliRun.of("top", "--once", "-o", "NAME");
            assertThat(top.status()).as(top.err()).isZero();
            assertThat(top.out()).contains(a.domainName()).contains(b.domainName()).contains("NOT MANAGED: no balloon device")
                    .contains("MCTLSZ").contains("%RDY");
            assertThat(top.out().indexOf(a.domainName())).isLessThan(top.out().indexOf(b.domainName()));
            m.awaitDecisions(3);
            m.stop();
            assertThat(m.err()).contains("managing libvirt's domains on qemu:///system (2 managed now)")
                    .contains("no --config and no /etc/memvisor/host.yaml");
            assertThat(count(m.err(), "vm " + nob.domainName() + ": libvirt domain not managed: no balloon device")).as(m.err()).isEqualTo(1);
            // the guests report their statistics: libvirt's period was 0 and memvisor set it to the interval
            assertThat(LibvirtDaemon.virsh("dumpxml", a.domainName())).contains("<stats period='5'/>");
        }
        assertThat(HostConfig.DEFAULT_STATE_FILE).as("removed when the manager stops").doesNotExist();
    }

    /** Issue 14: --dry-run decides as a real run and logs the actions as planned; no balloon moves (virsh says so). */
    @Test
    @Order(2)
    void aDryRunPlansBalloonsAndMovesNone() throws Exception {
        long before = actualKib(a);
        try (Manager m = Manager.start(this, "dry", "--dry-run", "--set", "budget=450M", "--set", "interval=1s")) {
            List<JsonNode> d = m.awaitDecisions(3);
            assertThat(d).allSatisfy(x -> assertThat(x.path("dryRun").asBoolean()).isTrue());
            assertThat(d.get(0).path("state").asText()).isNotEqualTo("HIGH");
            List<String> planned = new ArrayList<>();
            for (JsonNode x : d) for (JsonNode act : x.path("actions")) if (act.path("kind").asText().equals("balloon") && act.path("balloonBytes").asLong() > 0) planned.add(act.path("vm").asText());
            assertThat(planned).as("balloon actions planned").contains(a.domainName(), b.domainName());
            m.stop();
            assertThat(m.err()).contains("dry run (decisions are logged, no action is carried out)");
        }
        assertThat(actualKib(a)).as("virsh dommemstat: the balloon did not move").isEqualTo(before).isEqualTo(256 * 1024);
        assertThat(actualKib(b)).isEqualTo(256 * 1024);
    }

    /** Issue 14: a tight budget inflates both balloons, as virsh dommemstat sees them; top -b writes an esxtop batch file analyze reads back. */
    @Test
    @Order(3)
    void aTightBudgetInflatesTheirBalloonsAndTopWritesEsxtopsBatchFile() throws Exception {
        Path state = dir.resolve("tight-state.json");
        try (Manager m = Manager.start(this, "tight", "--set", "budget=450M", "--set", "interval=1s", "--set", "stateFile=" + state)) {
            long inflated = 200 * 1024;
            assertThat(Await.until(SETTLE, () -> actualKib(a), kib -> kib < inflated)).as("virsh dommemstat actual of a, KiB").isLessThan(inflated);
            assertThat(Await.until(SETTLE, () -> actualKib(b), kib -> kib < inflated)).as("virsh dommemstat actual of b, KiB").isLessThan(inflated);
            Path csv = dir.resolve("top-batch.csv");
            CliRun top = CliRun.of("top", "-b", "-n", "3", "-d", "1", "--state", state.toString());
            assertThat(top.status()).as(top.err()).isZero();
            Files.writeString(csv, top.out());
            JsonNode last = json.readTree(Files.readString(state));
            Path out = dir.resolve("analyzed");
            CliRun analyze = CliRun.of("analyze", "esxtop", csv.toString(), "--out", out.toString());
            assertThat(analyze.status()).as(analyze.err()).isZero();
            JsonNode summary = json.readTree(out.resolve("summary.json").toFile());
            assertThat(summary.path("samples").asInt()).isEqualTo(3);
            Map<String, JsonNode> vms = new java.util.HashMap<>();
            for (JsonNode v : summary.path("vms")) vms.put(v.path("name").asText(), v);
            assertThat(vms).containsOnlyKeys(a.domainName(), b.domainName());
            JsonNode va = vms.get(a.domainName());
            assertThat(va.path("groupId").asLong()).as("the group id is the QEMU pid").isEqualTo(vm(last, a).path("pid").asLong());
            assertThat(va.path("vcpus").asInt()).as("one Vcpu world, the thread CPU 0/TCG").isEqualTo(1);
            assertThat(va.path("last").path("memorySizeMBytes").asDouble()).isEqualTo(256.0);
            assertThat(va.path("max").path("memctlMBytes").asDouble()).as("the balloon, MB").isGreaterThan(56.0);
            assertThat(va.path("mean").path("usedPct").asDouble()).as("a TCG guest's QEMU uses CPU").isGreaterThan(0.0);
            // the budget less what the domain without a balloon holds (it is a guest too): as the manager's state says
            assertThat(summary.path("host").path("last").path("machineMBytes").asDouble())
                    .isCloseTo(last.path("host").path("machine").asDouble() / MIB, org.assertj.core.data.Offset.offset(8.0)).isLessThan(450.0);
            m.stop();
        }
        assertThat(state).doesNotExist();
    }

    /**
     * Issue 14: a domain destroyed mid-loop is forgotten, one started mid-loop is managed; libvirtd
     * stopped (and hung) mid-loop does not stall the loop, and once it is back memvisor reconnects and
     * loses nothing: the same domains, managed again, without being stopped or introduced anew;
     * memtune, which memvisor set, is put back as found when it stops.
     */
    @Test
    @Order(4)
    void followsDomainsAndLibvirtdRestartsMidLoop() throws Exception {
        Assumptions.assumeTrue(daemon.owned(), "a libvirtd this test did not start runs here: it is not restarted by tests");
        String memtuneBefore = LibvirtDaemon.virsh("memtune", a.domainName());
        try (Manager m = Manager.start(this, "lifecycle", "--set", "interval=1s", "--set", "cgroups=true")) {
            m.awaitDecisions(2);
            assertThat(Await.until(SETTLE, () -> LibvirtDaemon.virsh("memtune", a.domainName()), t -> t.contains("hard_limit") && !t.contains("hard_limit     : unlimited")))
                    .as("memtune carries the plan's limit").doesNotContain("hard_limit     : unlimited");

            TestDomains.destroy(b);
            assertThat(Await.until(SETTLE, m::err, e -> e.contains("vm " + b.domainName() + ": domain stopped; no longer managed")))
                    .contains("vm " + b.domainName() + ": domain stopped; no longer managed");
            TestDomains.start(c, dir);
            assertThat(Await.until(SETTLE, m::err, e -> e.contains("vm " + c.domainName() + ": libvirt domain managed")))
                    .contains("vm " + c.domainName() + ": libvirt domain managed");
            JsonNode both = Await.until(SETTLE, m::last, x -> x != null && vm(x, c) != null && vm(x, c).path("up").asBoolean());
            assertThat(vm(both, b)).as("b is gone from the decisions").isNull();
            assertThat(vm(both, a).path("up").asBoolean()).isTrue();

            // libvirtd hung: decisions keep their schedule, each bounded by the per-domain deadline
            int n = m.decisions().size();
            assertThat(ProcessHandle.of(daemon.libvirtdPid())).as("libvirtd runs").isPresent();
            signal("STOP", daemon.libvirtdPid());
            try {
                List<JsonNode> during = Await.until(SETTLE, m::decisions, d -> d.size() >= n + 4);
                for (JsonNode x : during.subList(n + 1, during.size())) {
                    assertThat(x.path("stepMs").asDouble()).as("a decision while libvirtd is stopped").isLessThan(3000);
                }
                assertThat(vm(during.get(during.size() - 1), a).path("up").asBoolean()).as("a cannot be observed").isFalse();
                assertThat(vm(during.get(during.size() - 1), a).path("held").asLong()).as("its QEMU still holds memory").isPositive();
            } finally {
                signal("CONT", daemon.libvirtdPid());
            }

            // libvirtd restarted: reconnects, the same domains managed again
            int before = m.err().length();
            daemon.stopLibvirtd();
            assertThat(Await.until(SETTLE, m::err, e -> e.contains("connection closed"))).contains("reconnecting");
            int down = m.decisions().size();
            assertThat(Await.until(SETTLE, m::decisions, d -> d.size() >= down + 3)).as("decisions go on while libvirtd is down").hasSizeGreaterThanOrEqualTo(down + 3);
            daemon.startLibvirtd();
            assertThat(Await.until(SETTLE, m::err, e -> e.contains("reconnected after"))).contains("reconnected after");
            JsonNode again = Await.until(SETTLE, m::last, x -> vm(x, a) != null && vm(x, a).path("up").asBoolean() && vm(x, c) != null && vm(x, c).path("up").asBoolean());
            assertThat(vm(again, a).path("up").asBoolean()).as("%s", again).isTrue();
            assertThat(vm(again, c).path("up").asBoolean()).isTrue();
            String since = m.err().substring(before);
            assertThat(since).as("nothing stopped or introduced anew across the restart")
                    .doesNotContain("domain stopped").doesNotContain("libvirt domain managed").contains("managed again");
            m.stop();
            assertThat(m.err()).contains("vm " + a.domainName() + ": memtune put back as found");
        }
        assertThat(LibvirtDaemon.virsh("memtune", a.domainName())).as("memtune as memvisor found it").isEqualTo(memtuneBefore);
        TestDomains.destroy(c);
    }

    private JsonNode vm(JsonNode decision, TestDomains.Spec s) {
        for (JsonNode v : decision.path("vms")) if (v.path("name").asText().equals(s.domainName())) return v;
        return null;
    }

    private static long actualKib(TestDomains.Spec s) {
        for (String line : LibvirtDaemon.virsh("dommemstat", s.domainName()).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 2 && f[0].equals("actual")) return Long.parseLong(f[1]);
        }
        throw new AssertionError("virsh dommemstat " + s.domainName() + ": no actual");
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) n++;
        return n;
    }

    private static void signal(String sig, long pid) throws Exception {
        Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start();
        assertThat(p.waitFor()).isZero();
    }

    /** One {@code memvisor run} in its own JVM, with the run directory empty (only libvirt's domains are there to manage). */
    private static final class Manager implements AutoCloseable {
        private final Process process;
        private final Path log;
        private final Path err;
        private final ObjectMapper json = new ObjectMapper();

        private Manager(Process process, Path log, Path err) {
            this.process = process;
            this.log = log;
            this.err = err;
        }

        static Manager start(LibvirtRunRealTest t, String name, String... args) throws IOException {
            Path log = t.dir.resolve(name + ".jsonl");
            Path err = t.dir.resolve(name + ".err");
            Files.deleteIfExists(log);
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")), "dev.memvisor.cli.Main", "run"));
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(log.toFile()).redirectError(err.toFile());
            pb.environment().put(RunDirectory.ENV, t.emptyRunDir.toString());
            return new Manager(pb.start(), log, err);
        }

        /** The decisions logged so far. */
        List<JsonNode> decisions() {
            List<JsonNode> out = new ArrayList<>();
            try {
                if (!Files.exists(log)) return out;
                for (String l : Files.readAllLines(log, StandardCharsets.UTF_8)) if (l.startsWith("{") && l.endsWith("}")) out.add(json.readTree(l));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out;
        }

        /** The last decision, or null. */
        JsonNode last() {
            List<JsonNode> d = decisions();
            return d.isEmpty() ? null : d.get(d.size() - 1);
        }

        List<JsonNode> awaitDecisions(int n) throws InterruptedException {
            List<JsonNode> d = Await.until(SETTLE, () -> {
                assertThat(process.isAlive() || decisions().size() >= n).as("the manager exited: %s", err()).isTrue();
                return decisions();
            }, x -> x.size() >= n);
            assertThat(d).as("%d decisions; stderr: %s", n, err()).hasSizeGreaterThanOrEqualTo(n);
            return d;
        }

        String err() {
            try {
                return Files.exists(err) ? Files.readString(err, StandardCharsets.UTF_8) : "";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** SIGTERM, as systemctl stop sends it: the manager stops after its current decision and exits 0. */
        void stop() throws InterruptedException {
            process.destroy();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s").isTrue();
            assertThat(process.exitValue()).as(err()).isIn(0, 143);
            assertThat(err()).contains("stopped; guests left running");
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(60, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
