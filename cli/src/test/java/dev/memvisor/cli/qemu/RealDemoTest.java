package dev.memvisor.cli.qemu;

import dev.memvisor.cli.CliRun;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code memvisor demo --real} end to end on real (TCG) guests: its four claims hold and it leaves no QEMU behind. */
class RealDemoTest {
    @Test
    void showsSharingThenBallooningIdleGuestsFirstAndStopsItsGuests() throws Exception {
        CliRun r = CliRun.of("demo", "--real");
        assertThat(r.status()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("== phase 1").contains("== phase 2").contains("NAME").contains("MCTLSZ")
                .contains("ok      KSM sharing rose while idle")
                .contains("ok      idle guests ballooned more than the busy one")
                .contains("ok      'reserved' never below its reservation")
                .contains("ok      the fall below soft was decided on before the next interval: state decision")
                .containsPattern("<- state change seen between intervals, \\d+ ms after the budget was lowered")
                .doesNotContain("NOT MET")
                .contains("stopped 4 guests")
                .containsPattern("manager CPU per interval \\(median, 4 guests\\): \\d+ ms; free below soft -> balloon targets sent: [0-9.]+ ms"
                        + " \\(trigger state: seen after [0-9.]+ ms, collection -> sent [0-9.]+ ms\\)");
        assertThat(r.err()).containsPattern("guests ready on (KVM|TCG)");
        // other runs of the demo may share this host: look only for guests under this run's directory
        var m = java.util.regex.Pattern.compile("starting 4 guests of \\S+ in (\\S+)").matcher(r.err());
        assertThat(m.find()).as(r.err()).isTrue();
        assertThat(qemuProcessesOf(m.group(1) + "/")).as("QEMU processes left by the demo").isZero();
        assertThat(Path.of(m.group(1))).as("run directory removed").doesNotExist();
    }

    static long qemuProcessesOf(String marker) throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            return s.filter(p -> p.getFileName().toString().matches("\\d+")).filter(p -> {
                try {
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
                    return cmd.startsWith("qemu-system") && cmd.contains(marker);
                } catch (IOException e) {
                    return false;
                }
            }).count();
        }
    }
}
