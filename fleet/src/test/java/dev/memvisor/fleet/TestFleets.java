package dev.memvisor.fleet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small fleets for tests, written into a test's folder, and a way to run {@code memvisor fleet} on them. */
public final class TestFleets {
    private TestFleets() {}

    /** The project root (Surefire passes it). */
    public static Path root() {
        return Path.of(System.getProperty("memvisor.root", "..")).toAbsolutePath().normalize();
    }

    /**
     * Four Bitbrains VMs of the repository's data and two synthetic ones, 30 simulated seconds of two
     * trace hours on 4 GB hosts: small enough for a test, tight enough that the host count matters.
     */
    public static Path small(Path dir) throws IOException {
        Path f = dir.resolve("fleet-small.yaml");
        Files.writeString(f, """
                seed: 7
                window: {start: 1h, duration: 2h, timeScale: 240}
                sampleInterval: 5s
                host: {memory: 4G, cores: 4}
                placement: {rule: configured}
                policies: [esx, static]
                slowdown: 1.2
                vms:
                  - name: bb
                    traces: %s
                    count: 4
                    image: bitbrains-os
                    workload: {refsPerSecond: 20000}
                  - name: web
                    count: 2
                    memory: 1G
                    vcpus: 1
                    workload: {workingSet: 700M, refsPerSecond: 20000}
                """.formatted(root().resolve("data/traces/bitbrains-rnd-2013-7")));
        return f;
    }

    /** The outcome of one command run: exit status and what it printed. */
    public record Run(int status, String out, String err) {}

    /** Runs {@code memvisor fleet ARGS} in this JVM, capturing stdout and stderr. */
    public static Run fleet(String... args) {
        return capture(() -> FleetMain.run(args));
    }

    /** Runs {@code memvisor ARGS} (the CLI) in this JVM, capturing stdout and stderr. */
    public static Run cli(String... args) {
        return capture(() -> dev.memvisor.cli.Main.run(args));
    }

    private static synchronized Run capture(java.util.function.IntSupplier run) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int status = run.getAsInt();
            return new Run(status, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
