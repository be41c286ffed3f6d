package dev.memvisor.cli.qemu;

import dev.memvisor.cli.CliRun;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memvisor.core.control.Action;
import dev.memvisor.core.model.HostView;
import dev.memvisor.core.policy.PolicyConfig;
import dev.memvisor.core.policy.SharingScanRate;
import dev.memvisor.qemu.act.KsmControl;
import dev.memvisor.qemu.collect.KsmStats;
import dev.memvisor.qemu.image.GuestImageBuilder;
import dev.memvisor.qemu.manager.ActionJson;
import dev.memvisor.qemu.launch.Guest;
import dev.memvisor.qemu.launch.GuestLauncher;
import dev.memvisor.qemu.launch.GuestSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code memvisor run} and {@code memvisor top} end to end against one real guest plus a VM whose
 * socket does not exist; SIGTERM on the real process stops the manager and leaves the guest running.
 */
class RunCommandTest {
    /** Unique per test JVM: the VM's cgroup is named after it, and other runs of these tests may share the host. */
    private static final String VM = "g" + ProcessHandle.current().pid();
    private static Path dir;
    private static Guest guest;

    @BeforeAll
    static void startGuest() throws Exception {
        dir = Files.createTempDirectory("memvisor-run");
        Path root = Path.of(System.getProperty("memvisor.root", ".."));
        var image = GuestImageBuilder.defaults().buildIfNeeded(root.resolve("qemu/target/guest-image"));
        guest = new GuestLauncher(image, dir, l -> System.err.println("[test] " + l))
                .start(GuestSpec.idle(VM, 128L << 20), Duration.ofSeconds(180));
    }

    @AfterAll
    static void stopGuest() {
        if (guest != null) guest.close();
        dev.memvisor.qemu.launch.RunDirectory.delete(dir);
    }

    /** This host's libvirt domains and the default state file are not the test's: neither is used. */
    private static final String ISOLATED = "libvirt: {enabled: false}\nstateFile: state.json\n";

    private static Path config(String extra) throws Exception {
        return config("ksm: {manage: false}\n", extra);
    }

    private static Path config(String ksm, String extra) throws Exception {
        return Files.writeString(dir.resolve("host.yaml"), "policy: esx\ninterval: 1s\nbudget: 1G\n" + ksm + ISOLATED + extra
                + "vms:\n  - {name: " + VM + ", qmp: " + guest.qmpSocket() + ", reservation: 64M}\n  - {name: ghost, qmp: " + dir.resolve("ghost.qmp") + "}\n");
    }

    @Test
    void logsOneJsonLinePerDecisionAndNamesTheMissingVm() throws Exception {
        Path log = dir.resolve("decisions.jsonl");
        Files.deleteIfExists(log);
        CliRun r = CliRun.of("run", "--config", config("").toString(), "--intervals", "2", "--log", log.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.err()).contains("vm ghost: not managed this interval").contains("ghost.qmp does not exist")
                .contains("vm " + VM + ": connected").contains("stopped; guests left running");
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).hasSize(2);
        ObjectMapper json = new ObjectMapper();
        for (String l : lines) {
            JsonNode d = json.readTree(l);
            assertThat(d.path("policy").asText()).isEqualTo("esx");
            assertThat(d.path("trigger").asText()).as("a roomy budget: regular intervals only").isEqualTo("interval");
            assertThat(d.path("host").path("machine").asLong()).isEqualTo(1L << 30);
            assertThat(d.path("vms").get(0).path("name").asText()).isEqualTo(VM);
            assertThat(d.path("vms").get(0).path("MEMSZ").asLong()).isEqualTo(128L << 20);
            assertThat(d.path("vms").get(0).path("AMIN").asLong()).isEqualTo(64L << 20);
            assertThat(d.path("vms").get(1).path("up").asBoolean()).isFalse();
            assertThat(d.path("vms").get(1).path("error").asText()).contains("does not exist");
        }
        assertThat(guest.alive()).isTrue();
        // the actions, read back as data: the first decision sends everything, the second only what changed (nothing, on a roomy host)
        JsonNode first = json.readTree(lines.get(0));
        long rate = SharingScanRate.pagesPerSecond(PolicyConfig.defaults(), new HostView(0, 1L << 30, 0, 0, List.of()));
        assertThat(ActionJson.readAll(first)).contains(new Action.Balloon(VM, 0), new Action.SharingRate(rate));
        assertThat(ActionJson.readAll(json.readTree(lines.get(1)))).isEmpty();

        CliRun top = CliRun.of("top", "--once", "--log", log.toString());
        assertThat(top.status()).isZero();
        assertThat(top.out()).contains("NAME").contains("MCTLSZ").containsPattern(VM + " +128\\.00 +64\\.00")
                .containsPattern("ghost +NOT REACHED: .*does not exist");
    }

    @Test
    void givesEachVmAMemoryCgroupCarryingItsLimit() throws Exception {
        Path log = dir.resolve("cgroup.jsonl");
        Files.deleteIfExists(log);
        CliRun r = CliRun.of("run", "--config", config("cgroups: true\ncgroupHeadroom: 128M\n").toString(),
                "--intervals", "1", "--log", log.toString());
        assertThat(r.status()).as(r.err()).isZero();
        var cg = dev.memvisor.qemu.act.MemoryCgroup.detect(Path.of("/sys/fs/cgroup")).create(VM);
        try {
            assertThat(cg.contains(guest.pid())).isTrue();
            JsonNode d = new ObjectMapper().readTree(Files.readAllLines(log).get(0));
            long target = d.path("vms").get(0).path("SZTGT").asLong();
            assertThat(target).isBetween(64L << 20, 128L << 20);
            assertThat(cg.limit()).isEqualTo(target + (128L << 20));
            assertThat(ActionJson.readAll(d)).as("the typed action the cgroup carries out")
                    .contains(new Action.HostReclaim(VM, target, 0, false, false));
            assertThat(d.path("vms").get(0).path("cgroup").path("limit").asLong()).isEqualTo(target + (128L << 20));
        } finally {
            // give the guest back to the root cgroup so the test leaves no limit behind
            cg.setLimit(Long.MAX_VALUE);
            Files.writeString(cg.dir().getParent().getParent().resolve("cgroup.procs"), Long.toString(guest.pid()));
            assertThat(cg.remove()).isTrue();
            // on a hybrid host the manager also put the guest in memvisor/VM of the unified hierarchy (its memory pressure)
            Path unified = dev.memvisor.qemu.act.MemoryCgroup.unifiedRoot(Path.of("/sys/fs/cgroup"));
            Path pressure = unified == null ? null : unified.resolve("memvisor").resolve(VM);
            if (pressure != null && Files.isDirectory(pressure)) {
                Files.writeString(unified.resolve("cgroup.procs"), Long.toString(guest.pid()));
                Files.delete(pressure);
            }
        }
    }

    /** Issue 11, item 8: KSM's knobs are the administrator's; run puts them back as it found them when it stops. */
    @Test
    void putsKsmsSettingsBackWhenItStops() throws Exception {
        KsmControl ksm = new KsmControl(KsmStats.SYSFS);
        KsmControl.Settings found = ksm.read();
        KsmControl.Settings stopped = new KsmControl.Settings(0, 100, 20);
        try {
            ksm.restore(stopped);
            Path log = dir.resolve("ksm.jsonl");
            Files.deleteIfExists(log);
            CliRun r = CliRun.of("run", "--config", config("ksm: {manage: true, sleepMillis: 20}\n", "").toString(), "--intervals", "1",
                    "--log", log.toString());
            assertThat(r.status()).as(r.err()).isZero();
            JsonNode d = new ObjectMapper().readTree(Files.readAllLines(log).get(0));
            long rate = d.path("host").path("ksmScanPagesPerSecond").asLong();
            assertThat(d.path("host").path("ksm").path("run").asLong()).as("KSM driven while the manager runs").isEqualTo(1);
            assertThat(d.path("host").path("ksm").path("pagesToScan").asLong()).isEqualTo(Math.max(1, rate * 20 / 1000));
            assertThat(ksm.read()).as("KSM's knobs after run stopped").isEqualTo(stopped);
            assertThat(r.err()).contains("ksm: settings restored");
        } finally {
            ksm.restore(found);
        }
    }

    @Test
    void admitsTheVmsInOrderAndLeavesOneThatDoesNotFitUnmanaged() throws Exception {
        Path log = dir.resolve("admission.jsonl");
        Files.deleteIfExists(log);
        Path cfg = Files.writeString(dir.resolve("admission.yaml"), "policy: {name: static, idleTax: 0.5}\ninterval: 1s\nbudget: 1G\n" + ISOLATED
                + "ksm: {manage: false}\nvms:\n  - {name: " + VM + ", qmp: " + guest.qmpSocket() + ", reservation: 64M}\n"
                + "  - {name: hog, qmp: " + dir.resolve("hog.qmp") + ", reservation: 2G}\n");
        CliRun r = CliRun.of("run", "--config", cfg.toString(), "--intervals", "1", "--log", log.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.err()).contains("vm hog: not managed: admission control against the budget (1G): vm hog refused: reservations"
                + " and overheads would need 2.13G but the host has 1G, short by 1.13G").contains("managing 1 QEMU (" + VM + ", host.yaml's vms) with policy static");
        JsonNode d = new ObjectMapper().readTree(Files.readAllLines(log).get(0));
        assertThat(d.path("policy").asText()).isEqualTo("static");
        assertThat(d.path("vms")).hasSize(1);
        assertThat(d.path("vms").get(0).path("name").asText()).isEqualTo(VM);
    }

    @Test
    void badConfigNamesTheVmAndExitsOne() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "vms:\n  - {name: web, qmp: x.qmp, shares: plenty}\n");
        CliRun r = CliRun.of("run", "--config", bad.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("(web)").contains("shares").contains("plenty");
        CliRun p = CliRun.of("run", "--config", config("").toString(), "--policy", "nope");
        assertThat(p.status()).isEqualTo(1);
        assertThat(p.err()).contains("nope").contains("esx");
    }

    @Test
    void sigtermStopsTheManagerAndLeavesTheGuestRunning() throws Exception {
        Path log = dir.resolve("sigterm.jsonl");
        Files.deleteIfExists(log);
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path err = dir.resolve("sigterm.err");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", cp,
                "dev.memvisor.cli.Main", "run", "--config", config("").toString(), "--log", log.toString())
                .redirectErrorStream(true).redirectOutput(err.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!(Files.exists(log) && Files.readAllLines(log).size() >= 2)) {
                assertThat(p.isAlive()).as("manager still running: " + read(err)).isTrue();
                assertThat(System.nanoTime()).as("two decisions within 60 s").isLessThan(deadline);
                Thread.sleep(200);
            }
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(read(err)).contains("stopped; guests left running");
            assertThat(guest.alive()).isTrue();
            try (var qmp = guest.qmp()) {
                assertThat(qmp.queryStatus()).isEqualTo("running");
            }
        } finally {
            p.destroyForcibly();
        }
    }

    private static String read(Path p) throws Exception {
        return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    }

    static String classpathSeparator() { return File.pathSeparator; }
}
