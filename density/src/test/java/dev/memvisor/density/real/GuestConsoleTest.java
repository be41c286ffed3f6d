package dev.memvisor.density.real;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The guest console's progress lines and OOM-killer messages, as mvload and the 6.1 kernel print them. */
class GuestConsoleTest {
    @Test
    void theLastProgressLineAndTheRateBetweenTwo() {
        List<String> lines = List.of("memvisor-guest: ready balloon=yes MemTotal: 125304 kB swap=/dev/vda cache=/dev/vdb",
                "mvload: cache /dev/vdb read 33554432 bytes", "mvload: t=1.0 ops=10 ws=8388608 rate=10",
                "mvload: t=2.0 ops=20 ws=8388608 rate=10", "[   12.3] random kernel line");
        var last = GuestConsole.lastProgress(lines).orElseThrow();
        assertThat(last).isEqualTo(new GuestConsole.Progress(2.0, 20));
        assertThat(GuestConsole.rate(new GuestConsole.Progress(1.0, 10), new GuestConsole.Progress(31.0, 610))).isEqualTo(20.0);
        assertThat(GuestConsole.rate(last, last)).isZero();
        assertThat(GuestConsole.lastProgress(List.of("nothing yet"))).isEmpty();
        assertThat(GuestConsole.oomLine(lines)).isEmpty();
    }

    @Test
    void theOomKillersLinesAreSeen() {
        assertThat(GuestConsole.oomLine(List.of("[   41.20] Out of memory: Killed process 61 (mvload) total-vm:133124kB, anon-rss:98304kB"))).isPresent();
        assertThat(GuestConsole.oomLine(List.of("[   41.19] mvload invoked oom-killer: gfp_mask=0x140dca"))).isPresent();
    }
}
