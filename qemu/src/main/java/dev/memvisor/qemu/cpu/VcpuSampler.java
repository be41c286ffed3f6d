package dev.memvisor.qemu.cpu;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memvisor.qemu.collect.QemuProcessStats;
import dev.memvisor.qemu.qmp.QmpClient;
import dev.memvisor.qemu.qmp.QmpException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Samples the CPU time of a QEMU process's vCPU threads. The threads are the ones QMP
 * {@code query-cpus-fast} names by {@code thread-id} (QEMU names threads {@code CPU n/KVM} only with
 * {@code -name ...,debug-threads=on}); without thread ids it falls back to {@link QemuProcessStats}, which
 * finds them by those names. Times are utime + stime of /proc/PID/task/TID/stat (proc(5), fields 14-15).
 */
public final class VcpuSampler {
    private final Path procRoot;
    private final long pid;
    private final long[] threadIds;

    /** Samples process {@code pid} under {@code procRoot} (normally /proc), summing these vCPU threads (empty: find them by name). */
    public VcpuSampler(Path procRoot, long pid, long[] threadIds) {
        this.procRoot = procRoot;
        this.pid = pid;
        this.threadIds = threadIds.clone();
    }

    /**
     * The vCPU thread ids QEMU reports over QMP ({@code query-cpus-fast}); empty when QMP cannot be reached
     * within the timeout (its single connection is taken, e.g. by {@code memvisor run}).
     */
    public static long[] vcpuThreadIds(Path qmpSocket, Duration timeout) {
        try (QmpClient q = QmpClient.connect(qmpSocket, timeout)) {
            JsonNode cpus = q.execute("query-cpus-fast", null, timeout);
            List<Long> ids = new ArrayList<>();
            for (JsonNode c : cpus) if (c.has("thread-id")) ids.add(c.get("thread-id").asLong());
            return ids.stream().mapToLong(Long::longValue).toArray();
        } catch (QmpException e) {
            return new long[0];
        }
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
            if (threadIds.length == 0) {
                QemuProcessStats s = QemuProcessStats.read(procRoot, pid);
                return new HostCpuSample(epochMillis, guestBootMillis, s.vcpuTicks(), namedThreads());
            }
            long ticks = 0;
            Path task = procRoot.resolve(Long.toString(pid)).resolve("task");
            for (long tid : threadIds) ticks += ticks(Files.readString(task.resolve(Long.toString(tid)).resolve("stat")));
            return new HostCpuSample(epochMillis, guestBootMillis, ticks, threadIds.length);
        } catch (IOException | UncheckedIOException e) {
            if (!alive()) throw new QemuGoneException(pid);
            throw new IllegalStateException("QEMU (pid " + pid + "): cannot read its vCPU threads: " + e.getMessage(), e);
        }
    }

    /** utime + stime of a /proc stat line; the comm field may contain spaces and parentheses. */
    static long ticks(String statLine) {
        String[] f = statLine.substring(statLine.lastIndexOf(')') + 2).trim().split("\\s+");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private int namedThreads() throws IOException {
        int n = 0;
        try (var tasks = Files.list(procRoot.resolve(Long.toString(pid)).resolve("task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    if (Files.readString(t.resolve("comm")).startsWith("CPU ")) n++;
                } catch (IOException e) {
                    // thread exited while we looked
                }
            }
        }
        return n;
    }
}
