package dev.memvisor.cli.qemu;

import dev.memvisor.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code memvisor run}'s settings and admission control, up to the point where the control loop would
 * start: nothing here reaches a guest, KSM, a cgroup or DAMON, so it needs no QEMU (RunCommandTest
 * runs the admitted case against a real guest).
 */
class RunSettingsTest {
    @TempDir Path dir;

    private Path config(String text) throws Exception {
        return Files.writeString(dir.resolve("host.yaml"), text);
    }

    @Test
    void whenNoVmFitsTheBudgetNothingIsManagedAndEachRefusalIsNamed() throws Exception {
        Path cfg = config("budget: 64M\nksm: {manage: false}\nvms:\n  - {name: a, qmp: a.qmp, reservation: 64M}\n"
                + "  - {name: b, qmp: b.qmp, reservation: 1G}\n");
        CliRun r = CliRun.of("run", "--config", cfg.toString(), "--intervals", "1");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err())
                .contains("vm a: not managed: admission control against the budget (64M): vm a refused: reservations and overheads"
                        + " would need 96M but the host has 64M, short by 32M")
                .contains("vm b: not managed: admission control against the budget (64M): vm b refused")
                .contains("2 VMs configured, none admitted")
                .doesNotContain("active memory");
    }

    @Test
    void setReachesThePolicyBlockAndItsErrorsNameTheFileAndTheSet() throws Exception {
        Path cfg = config("policy: esx\nvms: [{name: a, qmp: a.qmp}]\n");
        CliRun r = CliRun.of("run", "--config", cfg.toString(), "--set", "policy.idleTax=1.5");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains(cfg + ": (--set policy.idleTax=1.5) field policy.idleTax: got 1.5, expected a number in [0, 1)");
        CliRun p = CliRun.of("run", "--config", cfg.toString(), "--policy", "nope");
        assertThat(p.status()).isEqualTo(1);
        assertThat(p.err()).contains(cfg + ": (--set policy.name=nope) field policy.name: got nope, expected one of esx");
        CliRun usage = CliRun.of("run", "--config", cfg.toString(), "--set", "interval");
        assertThat(usage.status()).isEqualTo(2);
        assertThat(usage.err()).contains("--set interval: expected PATH=VALUE");
    }

    @Test
    void aBadHostYamlNamesTheFileLineAndKey() throws Exception {
        Path cfg = config("metricsPort: abc\nvms: [{name: a, qmp: a.qmp}]\n");
        CliRun r = CliRun.of("run", "--config", cfg.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains(cfg + ":1: field metricsPort: got 'abc', expected an integer");
    }
}
