package dev.memvisor.cli;

import dev.memvisor.core.policy.PolicyRegistry;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;

/** Runs the real command line in-process and checks what it prints. */
class MainTest {
    @Test
    void helpListsEveryRegisteredSubcommand() {
        CliRun r = CliRun.of("--help");
        assertThat(r.status()).isZero();
        for (String name : new picocli.CommandLine(new MemvisorCommand()).getSubcommands().keySet()) {
            assertThat(r.out()).contains(name);
        }
        assertThat(r.out()).contains("demo").contains("policies");
    }

    @Test
    void versionNamesTheProjectVersion() {
        CliRun r = CliRun.of("--version");
        assertThat(r.status()).isZero();
        assertThat(r.out()).containsPattern("memvisor \\d+\\.\\d+\\.\\d+");
    }

    @Test
    void policiesPrintsTheRegistryOneALine() {
        CliRun r = CliRun.of("policies");
        assertThat(r.status()).isZero();
        assertThat(r.out().lines()).containsExactlyElementsOf(PolicyRegistry.names());
    }

    @Test
    void noCommandIsAUsageErrorThatShowsTheUsage() {
        CliRun r = CliRun.of();
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("memvisor: Missing required subcommand").contains("Usage: memvisor").contains("simulate");
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        CliRun r = CliRun.of("no-such-command");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("no-such-command");
    }

    @Test
    void aBadOptionValueGetsTheCommandTheProblemAndAHintNotTheWholeHelp() {
        CliRun r = CliRun.of("migration-model", "--memory", "-1G");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).startsWith("memvisor migration-model: ").contains("-1G")
                .contains("Try 'memvisor migration-model --help'").doesNotContain("Usage:");
        CliRun typo = CliRun.of("simulat");
        assertThat(typo.err()).contains("simulate");
    }

    @Test
    void aFailingSubcommandIsNamedByItsFullPath(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        CliRun r = CliRun.of("analyze", "esxtop", dir.resolve("missing.csv").toString(), "--out", dir.resolve("out").toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).startsWith("memvisor analyze esxtop: ").contains("missing.csv");
    }
}
