package dev.memvisor.qemu.collect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The vCPU threads of a QEMU process and the CPU time of each: the threads QEMU names
 * {@code CPU n/KVM} or {@code CPU n/TCG} when started with {@code -name NAME,debug-threads=on}.
 * Times are utime + stime of /proc/PID/task/TID/stat (proc(5), fields 14 and 15).
 */
public final class VcpuThreads {
    private VcpuThreads() {}

    /**
     * One vCPU thread.
     *
     * @param index the vCPU number n of "CPU n/..."
     * @param tid   the thread id
     * @param ticks utime + stime in clock ticks
     */
    public record VcpuThread(int index, long tid, long ticks) {}

    /** The vCPU threads of {@code procRoot/PID}, by vCPU number; empty when QEMU did not name them (no debug-threads=on) or is gone. */
    public static List<VcpuThread> read(Path procRoot, long pid) {
        List<VcpuThread> out = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(procRoot.resolve(Long.toString(pid)).resolve("task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    int index = vcpuIndex(Files.readString(t.resolve("comm")).trim());
                    if (index >= 0) out.add(new VcpuThread(index, Long.parseLong(t.getFileName().toString()), QemuProcessStats.ticks(Files.readString(t.resolve("stat")))));
                } catch (IOException | NumberFormatException e) {
                    // the thread exited while we looked, or is not a numbered task directory
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        out.sort(Comparator.comparingInt(VcpuThread::index));
        return out;
    }

    /** The sum of the threads' ticks. */
    public static long totalTicks(List<VcpuThread> threads) {
        return threads.stream().mapToLong(VcpuThread::ticks).sum();
    }

    /** n for a thread name "CPU n/KVM" or "CPU n/TCG" (also other accelerators' "CPU n/X"); -1 for any other name. */
    static int vcpuIndex(String comm) {
        if (!comm.startsWith("CPU ")) return -1;
        int slash = comm.indexOf('/');
        if (slash < 5) return -1;
        try {
            return Integer.parseInt(comm.substring(4, slash));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
