package dev.memvisor.fleet;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --master spark://...} with nothing else changed: a Spark standalone master and worker
 * started from the fleet's own Spark libraries (the worker runs executors in JVMs of their own and
 * gets memvisor only as the jar the driver ships), the small fleet run on it from the packaged jar,
 * and the same fleet.json as an embedded {@code local[2]} run. Runs after {@code package} (Failsafe).
 */
class FleetOnClusterIT {
    @TempDir Path dir;

    @Test
    void aStandaloneClusterGivesTheSameResultsAsAnEmbeddedRun() throws Exception {
        Path target = TestFleets.root().resolve("fleet/target");
        Path jar = target.resolve("memvisor-fleet.jar");
        Path lib = target.resolve("lib");
        assertThat(jar).isRegularFile();
        assertThat(lib).isDirectory();
        Path home = sparkHome(lib);
        Path fleet = TestFleets.small(dir);
        int masterPort = freePort();
        List<Process> started = new ArrayList<>();
        try {
            Path masterLog = dir.resolve("master.log");
            started.add(spark(home, masterLog, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                    "--port", Integer.toString(masterPort), "--webui-port", Integer.toString(freePort())));
            awaitLine(masterLog, "I have been elected leader");
            Path workerLog = dir.resolve("worker.log");
            started.add(spark(home, workerLog, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "2",
                    "--memory", "4g", "--webui-port", Integer.toString(freePort()), "spark://127.0.0.1:" + masterPort));
            awaitLine(workerLog, "Successfully registered with master");

            Path clusterOut = dir.resolve("cluster");
            Path driverLog = dir.resolve("driver.log");
            Process driver = new ProcessBuilder(java(), "@" + TestFleets.root().resolve("fleet/jvm.options"), "-cp",
                    jar + java.io.File.pathSeparator + lib + "/*", "dev.memvisor.fleet.FleetMain", fleet.toString(),
                    "--out", clusterOut.toString(), "--master", "spark://127.0.0.1:" + masterPort, "--conf", "spark.executor.memory=2g")
                    .redirectErrorStream(true).redirectOutput(driverLog.toFile()).start();
            started.add(driver);
            assertThat(driver.waitFor(10, TimeUnit.MINUTES)).as("driver finished").isTrue();
            assertThat(driver.exitValue()).as(Files.readString(driverLog)).isZero();
            assertThat(Files.readString(clusterOut.resolve("timing.json"))).contains("\"master\" : \"spark://127.0.0.1:" + masterPort + "\"");

            Path localOut = dir.resolve("local");
            TestFleets.Run local = TestFleets.fleet(fleet.toString(), "--out", localOut.toString(), "--master", "local[2]");
            assertThat(local.status()).as(local.err()).isZero();
            assertThat(Files.readString(clusterOut.resolve("fleet.json"))).isEqualTo(Files.readString(localOut.resolve("fleet.json")));
        } finally {
            // the worker's executors are its children: stop them with it, newest first
            for (int i = started.size() - 1; i >= 0; i--) {
                Process p = started.get(i);
                p.descendants().forEach(ProcessHandle::destroy);
                p.destroy();
                if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
            }
        }
    }

    /**
     * A SPARK_HOME as a Spark distribution lays it out: {@code jars/} (the fleet's Spark libraries and
     * Jackson, which a distribution ships and the fleet jar bundles), and {@code RELEASE}.
     */
    private Path sparkHome(Path lib) throws IOException, URISyntaxException {
        Path home = dir.resolve("spark-home");
        Path jars = Files.createDirectories(home.resolve("jars"));
        try (Stream<Path> s = Files.list(lib)) {
            for (Path p : s.toList()) Files.createSymbolicLink(jars.resolve(p.getFileName()), p);
        }
        for (Class<?> c : List.of(ObjectMapper.class, JsonParser.class, JsonAutoDetect.class)) {
            Path p = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
            Files.createSymbolicLink(jars.resolve(p.getFileName()), p);
        }
        Files.writeString(home.resolve("RELEASE"), "Spark for memvisor's cluster test\n");
        return home;
    }

    private Process spark(Path home, Path log, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(java(), "@" + TestFleets.root().resolve("fleet/jvm.options"),
                "-cp", home.resolve("jars") + "/*", mainClass));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SPARK_HOME", home.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.13"); // a distribution has no build folders to infer it from
        pb.environment().put("SPARK_WORKER_DIR", dir.resolve("work").toString());
        return pb.start();
    }

    /** Waits until {@code log} has a line containing {@code text}, failing after two minutes with the log. */
    private static void awaitLine(Path log, String text) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (!(Files.exists(log) && Files.readString(log).contains(text))) {
            assertThat(Instant.now()).as("'" + text + "' in " + log + ":\n" + (Files.exists(log) ? Files.readString(log) : "")).isBefore(deadline);
            Thread.sleep(200); // polling a log for a condition, with a deadline
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
