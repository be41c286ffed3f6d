package dev.memvisor.qemu.collect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A thread's scheduler statistics from /proc/PID/task/TID/schedstat: the time it ran on a CPU and the
 * time it waited on a runqueue while runnable, in nanoseconds. For a vCPU thread the second is what
 * esxtop calls ready time (%RDY): the vCPU could run but the host gave it no CPU. Source:
 * Documentation/scheduler/sched-stats.rst ("/proc/&lt;pid&gt;/schedstat").
 *
 * @param runNanos  time spent on a CPU
 * @param waitNanos time spent waiting on a runqueue
 */
public record SchedStat(long runNanos, long waitNanos) {

    /** The thread's statistics, or empty when it is gone (or the kernel keeps none). */
    public static Optional<SchedStat> read(Path procRoot, long pid, long tid) {
        try {
            return Optional.of(parse(Files.readString(procRoot.resolve(pid + "/task/" + tid + "/schedstat"))));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Parses schedstat's "run wait timeslices" line.
     *
     * @throws IllegalArgumentException when it is not three numbers
     */
    static SchedStat parse(String line) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 2) throw new IllegalArgumentException("schedstat: expected 'run_ns wait_ns timeslices', got '" + line.trim() + "'");
        return new SchedStat(Long.parseLong(f[0]), Long.parseLong(f[1]));
    }
}
