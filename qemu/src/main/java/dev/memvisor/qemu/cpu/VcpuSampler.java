package dev.memvisor.qemu.cpu;

import dev.memvisor.qemu.collect.QemuProcessStats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Samples a QEMU process's vCPU threads (threads named {@code CPU n/KVM} or {@code CPU n/TCG}) through
 * {@link QemuProcessStats}; the caller supplies the time.
 */
public final class VcpuSampler {
    private final Path procRoot;
    private final long pid;

    /** Samples process {@code pid} under {@code procRoot} (normally /proc). */
    public VcpuSampler(Path procRoot, long pid) {
        this.procRoot = procRoot;
        this.pid = pid;
    }

    /** The process id. */
    public long pid() { return pid; }

    /** Whether the process still exists. */
    public boolean alive() {
        return Files.isDirectory(procRoot.resolve(Long.toString(pid)));
    }

    /**
     * One sample at host time {@code epochMillis} for the guest report written at {@code guestBootMillis}.
     *
     * @throws QemuGoneException when the process has exited
     */
    public HostCpuSample sample(long epochMillis, long guestBootMillis) {
        try {
            QemuProcessStats s = QemuProcessStats.read(procRoot, pid);
            return new HostCpuSample(epochMillis, guestBootMillis, s.vcpuTicks(), vcpuThreads());
        } catch (UncheckedIOException e) {
            if (!alive()) throw new QemuGoneException(pid);
            throw e;
        }
    }

    private int vcpuThreads() {
        int n = 0;
        try (Stream<Path> tasks = Files.list(procRoot.resolve(Long.toString(pid)).resolve("task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    if (Files.readString(t.resolve("comm")).startsWith("CPU ")) n++;
                } catch (IOException e) {
                    // thread exited while we looked
                }
            }
        } catch (IOException e) {
            if (!alive()) throw new QemuGoneException(pid);
        }
        return n;
    }
}
