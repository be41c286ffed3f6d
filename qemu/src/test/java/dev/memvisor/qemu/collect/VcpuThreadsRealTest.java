package dev.memvisor.qemu.collect;

import dev.memvisor.qemu.launch.Await;
import dev.memvisor.qemu.launch.Guest;
import dev.memvisor.qemu.launch.GuestSpec;
import dev.memvisor.qemu.launch.TestGuests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A real guest started by the launcher has named vCPU threads whose CPU time rises while its workload runs. */
class VcpuThreadsRealTest {
    private static final Path PROC = Path.of("/proc");
    @TempDir Path dir;

    @Test
    void vcpuTicksRiseWhileTheWorkloadRuns() throws Exception {
        GuestSpec spec = GuestSpec.idle("vcpu", 128L << 20).withWorkload(32L << 20, 20_000, "unique");
        try (Guest g = TestGuests.launcher(dir).start(spec, TestGuests.BOOT)) {
            List<VcpuThreads.VcpuThread> first = VcpuThreads.read(PROC, g.pid());
            assertThat(first).as("vCPU threads of QEMU pid %d (needs -name ...,debug-threads=on)", g.pid())
                    .extracting(VcpuThreads.VcpuThread::index).containsExactly(0);
            long before = QemuProcessStats.read(PROC, g.pid()).vcpuTicks();
            long t0 = System.nanoTime();
            // wait on the condition (ticks grew by half a second of CPU at 100 Hz) rather than a fixed time; slow on a loaded TCG host
            long after = Await.until(Duration.ofSeconds(120), () -> QemuProcessStats.read(PROC, g.pid()).vcpuTicks(), t -> t - before >= 50);
            System.err.printf("[test] vCPU thread %s: %d ticks in %.1f s%n", first.get(0), after - before, (System.nanoTime() - t0) / 1e9);
            assertThat(after - before).as("vCPU ticks gained while mvload touches 20000 pages/s").isGreaterThanOrEqualTo(50);
            long process = QemuProcessStats.read(PROC, g.pid()).processTicks();
            assertThat(after).as("vCPU time is part of the process's time").isLessThanOrEqualTo(process);
        }
    }

    @Test
    void onlyNumberedCpuThreadsCount() {
        assertThat(VcpuThreads.vcpuIndex("CPU 0/TCG")).isZero();
        assertThat(VcpuThreads.vcpuIndex("CPU 12/KVM")).isEqualTo(12);
        assertThat(VcpuThreads.vcpuIndex("CPU x/KVM")).isEqualTo(-1);
        assertThat(VcpuThreads.vcpuIndex("qemu-system-x86")).isEqualTo(-1);
        assertThat(VcpuThreads.vcpuIndex("CPU 0")).isEqualTo(-1);
    }
}
