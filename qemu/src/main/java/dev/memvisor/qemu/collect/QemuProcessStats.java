package dev.memvisor.qemu.collect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * One QEMU process seen from the host: memory (status), KSM merging (ksm_stat) and the CPU time of
 * its vCPU threads ({@link VcpuThreads}: task/TID/stat of threads named "CPU n/KVM" or "CPU n/TCG"). Sources:
 * Documentation/filesystems/proc.rst and Documentation/admin-guide/mm/ksm.rst.
 *
 * @param pid              the process id
 * @param rssBytes         resident memory (VmRSS)
 * @param swapBytes        swapped-out memory (VmSwap)
 * @param ksmMergingPages  pages of this process merged by KSM (ksm_merging_pages; 0 if unknown)
 * @param ksmProfitBytes   memory KSM saves for this process (ksm_process_profit, may be negative; 0 if unknown)
 * @param vcpuTicks        utime + stime of the vCPU threads, in clock ticks
 * @param processTicks     utime + stime of the whole process, in clock ticks
 */
public record QemuProcessStats(long pid, long rssBytes, long swapBytes, long ksmMergingPages, long ksmProfitBytes,
                               long vcpuTicks, long processTicks) {

    /**
     * Reads {@code procRoot/PID}.
     *
     * @throws java.io.UncheckedIOException when the process is gone
     */
    public static QemuProcessStats read(Path procRoot, long pid) {
        Path p = procRoot.resolve(Long.toString(pid));
        Map<String, Long> status = KeyValueFile.parse(KeyValueFile.read(p.resolve("status")));
        Map<String, Long> ksm = Files.isReadable(p.resolve("ksm_stat")) ? KeyValueFile.parse(KeyValueFile.read(p.resolve("ksm_stat"))) : Map.of();
        long vcpu = VcpuThreads.totalTicks(VcpuThreads.read(procRoot, pid));
        return new QemuProcessStats(pid, status.getOrDefault("VmRSS", 0L), status.getOrDefault("VmSwap", 0L),
                ksm.getOrDefault("ksm_merging_pages", 0L), ksm.getOrDefault("ksm_process_profit", 0L), vcpu,
                ticks(KeyValueFile.read(p.resolve("stat"))));
    }

    /** utime + stime of the whole process {@code procRoot/PID}, in clock ticks, or -1 when it is gone. */
    public static long processTicks(Path procRoot, long pid) {
        try {
            return ticks(Files.readString(procRoot.resolve(pid + "/stat")));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** utime + stime (fields 14 and 15) of a /proc stat line; the comm field may contain spaces. */
    static long ticks(String statLine) {
        String[] f = statLine.substring(statLine.lastIndexOf(')') + 2).trim().split("\\s+");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
