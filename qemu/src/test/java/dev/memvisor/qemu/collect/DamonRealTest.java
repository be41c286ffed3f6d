package dev.memvisor.qemu.collect;

import dev.memvisor.qemu.launch.Await;
import dev.memvisor.qemu.launch.Guest;
import dev.memvisor.qemu.launch.GuestSpec;
import dev.memvisor.qemu.launch.TestGuests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * DAMON on this host's kernel: where the test may create its own kdamond, a guest touching 64 MiB
 * shows as active; where it may not (the kernel lacks DAMON or vaddr, or another user's kdamond
 * runs), the manager's choice falls back to referenced bits and says why.
 */
class DamonRealTest {
    private static final Path ADMIN = Path.of("/sys/kernel/mm/damon/admin");
    private static final Path PROC = Path.of("/proc");
    private static final long MIB = 1L << 20;
    @TempDir Path dir;

    @Test
    void fallsBackToReferencedBitsWhenDamonCannotBeSetUp() {
        String why = DamonAvailability.whyNot(ADMIN);
        ActiveMemorySources.Choice c = ActiveMemorySources.choose(ADMIN, PROC, 1, 1_000_000);
        try {
            assumeFalse(c.why().isEmpty(), "this kernel let the test create a kdamond, so the fallback is not taken here"
                    + " (DamonRealTest.measuresActiveMemoryWithItsOwnKdamond covers DAMON)");
            System.err.println("[test] " + c.logLine());
            assertThat(c.source()).isInstanceOf(ReferencedBitSampler.class);
            assertThat(c.logLine()).contains("referenced bits").contains("DAMON not used: " + c.why());
            if (!why.isEmpty()) assertThat(c.why()).isEqualTo(why);
        } finally {
            c.source().close();
        }
    }

    @Test
    void measuresActiveMemoryWithItsOwnKdamond() throws Exception {
        DamonActiveMemory.Attempt a = DamonActiveMemory.create(ADMIN, 1, 2_000_000);
        assumeTrue(a.monitor() != null, "the kernel does not let this test create a kdamond: " + a.whyNot()
                + " (fallsBackToReferencedBitsWhenDamonCannotBeSetUp checks the fallback)");
        try (DamonActiveMemory damon = a.monitor();
             Guest g = TestGuests.launcher(dir).start(GuestSpec.idle("damon", 192 * MIB).withWorkload(64 * MIB, 16_384, "unique"), TestGuests.BOOT)) {
            assertThat(damon.activeBytes("damon", g.pid(), 192 * MIB)).as("the first call starts monitoring").isEqualTo(-1);
            long active = Await.until(Duration.ofSeconds(120), () -> {
                        return damon.activeBytes("damon", g.pid(), 192 * MIB);
                    }, b -> b >= 32 * MIB);
            assertThat(active).as("DAMON's active bytes of a guest touching 64 MiB every 4 s%s", g.tails()).isGreaterThanOrEqualTo(32 * MIB);
        }
        assertThat(Files.readString(ADMIN.resolve("kdamonds/nr_kdamonds")).trim()).as("kdamonds removed").isEqualTo("0");
    }
}
