package dev.memvisor.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memvisor.qemu.image.GuestImage;
import dev.memvisor.qemu.image.GuestImageBuilder;
import dev.memvisor.qemu.launch.Guest;
import dev.memvisor.qemu.launch.GuestLauncher;
import dev.memvisor.qemu.launch.GuestSpec;
import dev.memvisor.qemu.launch.RunDirectory;
import dev.memvisor.qemu.manager.HostConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
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
 * The built .deb, installed on this machine with {@code dpkg -i}, used, and purged: the machine
 * is left as it was (checked path by path). dpkg cannot install into a scratch root here (its
 * maintainer scripts and dependency checks need the real one), so the test refuses to run where a
 * memvisor package is already installed rather than replace it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DebPackageIT {
    private static final Path DEB = Path.of(System.getProperty("memvisor.deb", "target/memvisor.deb"));
    private static final String VERSION = System.getProperty("memvisor.version", "");
    /** Everything the package or its maintainer scripts may create; none of it may stay after the purge. */
    private static final List<Path> FOOTPRINT = List.of(Path.of("/usr/bin/memvisor"), Path.of("/usr/share/memvisor"),
            Path.of("/usr/share/doc/memvisor"), Path.of("/etc/memvisor"), Path.of("/lib/systemd/system/memvisor.service"),
            Path.of("/etc/systemd/system/memvisor.service"), Path.of("/etc/systemd/system/multi-user.target.wants/memvisor.service"),
            Path.of("/var/lib/systemd/deb-systemd-helper-enabled/memvisor.service.dsh-also"),
            Path.of("/var/lib/systemd/deb-systemd-helper-masked/memvisor.service"));
    private boolean installed;

    @BeforeAll
    void install() {
        assertThat(DEB).as("the package built by this module").isRegularFile();
        Result before = run("dpkg-query", "-W", "-f=${Status}", "memvisor");
        Assumptions.assumeFalse(before.out.contains("installed") && !before.out.contains("not-installed"),
                "a memvisor package is installed on this machine; the test does not replace it (dpkg --purge memvisor to run it)");
        for (Path p : FOOTPRINT) assertThat(p).as("left from elsewhere; the test would not know it is not its own").doesNotExist();
        Result r = run("dpkg", "-i", DEB.toString());
        installed = true;
        assertThat(r.status).as("dpkg -i: %s", r).isZero();
    }

    @AfterAll
    void purge() {
        if (!installed) return;
        Result r = run("dpkg", "--purge", "memvisor");
        assertThat(r.status).as("dpkg --purge: %s", r).isZero();
        for (Path p : FOOTPRINT) assertThat(p).as("left after the purge").doesNotExist();
        assertThat(run("dpkg-query", "-W", "-f=${Status}", "memvisor").out).doesNotContain("ok installed");
    }

    @Test
    void theControlFieldsDeclareWhatItNeeds() {
        assertThat(field("Package")).isEqualTo("memvisor");
        assertThat(field("Architecture")).isEqualTo("all");
        assertThat(field("Version")).isEqualTo(VERSION.replace("-SNAPSHOT", "~SNAPSHOT"));
        assertThat(field("Depends")).isEqualTo("default-jre-headless (>= 2:1.17) | java17-runtime-headless, libvirt0");
        assertThat(field("Recommends")).isEqualTo("qemu-system-x86");
        assertThat(run("dpkg-query", "-W", "-f=${Conffiles}", "memvisor").out).contains("/etc/memvisor/host.yaml");
    }

    @Test
    void theFilesLandWhereDebianPutsThem() throws IOException {
        assertThat(Path.of("/usr/bin/memvisor")).isExecutable();
        assertThat(Files.size(Path.of("/usr/share/memvisor/memvisor.jar"))).isGreaterThan(1_000_000); // the shaded jar, not the thin one
        assertThat(Path.of("/lib/systemd/system/memvisor.service")).isRegularFile();
        assertThat(Path.of("/etc/memvisor/host.yaml")).isRegularFile();
        assertThat(Path.of("/usr/share/doc/memvisor/copyright")).isRegularFile();
        assertThat(Path.of("/usr/share/memvisor/examples/idle-memory-tax.yaml")).isRegularFile();
        assertThat(Path.of("/etc/systemd/system/multi-user.target.wants/memvisor.service")).as("shipped disabled").doesNotExist();
    }

    @Test
    void theInstalledCommandRuns() {
        Result r = run("/usr/bin/memvisor", "--version");
        assertThat(r.status).as("%s", r).isZero();
        assertThat(r.out).startsWith("memvisor " + VERSION + "\n").contains("Java 17");
    }

    @Test
    void theServiceRunsTheInstalledConfig() throws IOException {
        // the shipped host.yaml has every key commented out: the manager finds its VMs itself; with libvirt off and an
        // empty run directory there is nothing, and it says where it looked
        Path empty = Files.createTempDirectory("memvisor-deb-run");
        try {
            Result r = run(Map.of("MEMVISOR_RUN_DIR", empty.toString()), "/usr/bin/memvisor", "run", "--config", "/etc/memvisor/host.yaml",
                    "--set", "libvirt.enabled=false", "--intervals", "1");
            assertThat(r.status).as("%s", r).isEqualTo(1);
            assertThat(r.err).contains("nothing to manage").contains(empty.toString()).contains("libvirt.enabled is false");
        } finally {
            Files.deleteIfExists(empty);
        }
    }

    @Test
    void theUnitVerifies() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")), "systemd-analyze is not installed here");
        Result r = run("systemd-analyze", "verify", "/lib/systemd/system/memvisor.service");
        assertThat(r.status).as("%s", r).isZero();
        assertThat(r.out + r.err).doesNotContain("memvisor.service:");
    }

    /**
     * Issue 14: the installed command's dry run with the installed config, on a real guest it finds in
     * the run directory by itself: it decides (a tight budget: balloons planned) and acts on nothing,
     * as the guest's own QMP and KSM's knobs show.
     */
    @Test
    void aDryRunPasses() throws Exception {
        Path runDir = Files.createTempDirectory("memvisor-deb-dry");
        boolean stateDirBefore = Files.exists(HostConfig.DEFAULT_STATE_FILE.getParent());
        Path root = Path.of(System.getProperty("memvisor.root", ".."));
        GuestImage image = GuestImageBuilder.defaults().buildIfNeeded(root.resolve("qemu/target/guest-image"));
        List<Long> ksmBefore = ksm();
        try (Guest guest = new GuestLauncher(image, runDir, l -> System.err.println("[test] " + l)).start(GuestSpec.idle("dry", 128L << 20),
                Duration.ofSeconds(180))) {
            Result r = run(Map.of("MEMVISOR_RUN_DIR", runDir.toString()), "/usr/bin/memvisor", "run", "--config", "/etc/memvisor/host.yaml",
                    "--dry-run", "--set", "libvirt.enabled=false", "--set", "interval=1s", "--set", "budget=100M", "--intervals", "2");
            assertThat(r.status).as("%s", r).isZero();
            assertThat(r.err).contains("dry run (decisions are logged, no action is carried out): managing 1 QEMU (dry, found in " + runDir);
            ObjectMapper json = new ObjectMapper();
            List<JsonNode> decisions = new ArrayList<>();
            for (String line : r.out.split("\n")) if (line.startsWith("{")) decisions.add(json.readTree(line));
            assertThat(decisions).hasSizeGreaterThanOrEqualTo(2).allSatisfy(d -> {
                assertThat(d.path("dryRun").asBoolean()).isTrue();
                assertThat(d.path("vms").get(0).path("name").asText()).isEqualTo("dry");
                assertThat(d.path("vms").get(0).path("up").asBoolean()).isTrue();
            });
            // less budget than the guest holds: the plan inflates its balloon
            assertThat(decisions.get(0).path("state").asText()).isNotEqualTo("HIGH");
            assertThat(decisions.get(0).path("actions")).anySatisfy(a -> {
                assertThat(a.path("kind").asText()).isEqualTo("balloon");
                assertThat(a.path("balloonBytes").asLong()).isPositive();
            });
            try (var qmp = guest.qmp()) {
                assertThat(qmp.queryBalloon().actualBytes()).as("the guest's balloon, by its own QMP: not moved").isEqualTo(128L << 20);
            }
            assertThat(ksm()).as("KSM's knobs untouched").isEqualTo(ksmBefore);
        } finally {
            RunDirectory.delete(runDir);
        }
        assertThat(HostConfig.DEFAULT_STATE_FILE).as("the state file, removed when the run ends").doesNotExist();
        if (!stateDirBefore) assertThat(HostConfig.DEFAULT_STATE_FILE.getParent()).as("its directory, made and removed by the run").doesNotExist();
    }

    private static List<Long> ksm() throws IOException {
        List<Long> out = new ArrayList<>();
        for (String k : List.of("run", "pages_to_scan", "sleep_millisecs")) {
            Path p = Path.of("/sys/kernel/mm/ksm", k);
            out.add(Files.exists(p) ? Long.parseLong(Files.readString(p).trim()) : -1);
        }
        return out;
    }

    private static String field(String name) {
        return run("dpkg-deb", "--field", DEB.toString(), name).out.trim();
    }

    /** A finished command: status, standard output and error. */
    private record Result(int status, String out, String err) {
        @Override
        public String toString() {
            return "exit " + status + "\nstdout: " + out + "\nstderr: " + err;
        }
    }

    private static Result run(String... cmd) {
        return run(Map.of(), cmd);
    }

    private static Result run(Map<String, String> env, String... cmd) {
        try {
            Path out = Files.createTempFile("memvisor-deb", ".out");
            Path err = Files.createTempFile("memvisor-deb", ".err");
            try {
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
                pb.environment().putAll(env);
                Process p = pb.start();
                if (!p.waitFor(300, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError(String.join(" ", cmd) + ": no exit within 300 s");
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError(String.join(" ", cmd) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
