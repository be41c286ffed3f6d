package dev.memvisor.cli;

import dev.memvisor.core.policy.PolicyRegistry;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the real command line in-process and checks what it prints. */
class MainTest {
    private record Result(int status, String out, String err) {}

    private static Result run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int status = Main.run(args);
            return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void helpListsEveryRegisteredSubcommand() {
        Result r = run("--help");
        assertThat(r.status()).isZero();
        for (String name : new picocli.CommandLine(new MemvisorCommand()).getSubcommands().keySet()) {
            assertThat(r.out()).contains(name);
        }
        assertThat(r.out()).contains("demo").contains("policies");
    }

    @Test
    void versionNamesTheProjectVersion() {
        Result r = run("--version");
        assertThat(r.status()).isZero();
        assertThat(r.out()).containsPattern("memvisor \\d+\\.\\d+\\.\\d+");
    }

    @Test
    void policiesPrintsTheRegistryOneALine() {
        Result r = run("policies");
        assertThat(r.status()).isZero();
        assertThat(r.out().lines()).containsExactlyElementsOf(PolicyRegistry.names());
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        Result r = run("no-such-command");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("no-such-command");
    }

    @Test
    void aFailingSubcommandIsNamedByItsFullPath(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        Result r = run("analyze", "esxtop", dir.resolve("missing.csv").toString(), "--out", dir.resolve("out").toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).startsWith("memvisor analyze esxtop: ").contains("missing.csv");
    }
}
