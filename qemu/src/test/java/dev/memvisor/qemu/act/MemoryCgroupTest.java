package dev.memvisor.qemu.act;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A real memory cgroup on this host (v1 or v2): made, a process moved in, a limit set and read back. */
class MemoryCgroupTest {
    @Test
    void carriesALimitForAProcess() throws Exception {
        MemoryCgroup.Hierarchy h = MemoryCgroup.detect(Path.of("/sys/fs/cgroup"));
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        MemoryCgroup cg = h.create("test-" + ProcessHandle.current().pid());
        try {
            cg.add(sleeper.pid());
            assertThat(cg.contains(sleeper.pid())).isTrue();
            cg.setLimit(256L << 20);
            assertThat(cg.limit()).isEqualTo(256L << 20);
            assertThat(cg.usageBytes()).isBetween(0L, 256L << 20);
            cg.setHigh(128L << 20);
            assertThat(cg.high()).isEqualTo(128L << 20);
            cg.setHigh(Long.MAX_VALUE);
            assertThat(cg.high()).isEqualTo(Long.MAX_VALUE);
            Path memsw = cg.dir().resolve("memory.memsw.limit_in_bytes");
            if (h.version() == MemoryCgroup.Version.V1 && Files.exists(memsw)) {
                // v1 refuses a memory limit above memory+swap: raising the limit must lift memsw first
                Files.writeString(memsw, Long.toString(300L << 20));
                cg.setLimit(512L << 20);
                assertThat(cg.limit()).isEqualTo(512L << 20);
                assertThat(Long.parseLong(Files.readString(memsw).trim())).isGreaterThanOrEqualTo(512L << 20);
            }
            assertThat(cg.swapBytes()).as("a sleeping process has nothing swapped").isZero();
            cg.setLimit(Long.MAX_VALUE);
            assertThat(cg.limit()).isEqualTo(Long.MAX_VALUE);
        } finally {
            sleeper.destroyForcibly();
            sleeper.waitFor(10, TimeUnit.SECONDS);
            assertThat(removeWhenEmpty(cg)).isTrue();
        }
    }

    private static boolean removeWhenEmpty(MemoryCgroup cg) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (cg.remove()) return true;
            Thread.sleep(100);
        }
        return false;
    }
}
