package dev.memvisor.cli.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memvisor.qemu.collect.HostCpuTimes;
import dev.memvisor.qemu.collect.QemuProcessStats;
import dev.memvisor.qemu.collect.SchedStat;
import dev.memvisor.qemu.collect.VcpuThreads;
import dev.memvisor.qemu.collect.VmStat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code memvisor top} sees at one moment: the manager's latest decision (its state file, or the
 * last line of its decision log) and, read from /proc by top itself, the CPU time of each managed
 * VM's QEMU and vCPU threads and of the host, so CPU figures cover top's own delay between two
 * samples, as esxtop's do, whatever the manager's interval.
 *
 * @param nanos System.nanoTime() when /proc was read
 * @param state the decision (the decision log's JSON object)
 * @param host  the host's CPU time
 * @param swap  the host's pages swapped in and out since boot
 * @param vms   per managed VM with a visible QEMU, its CPU time
 */
record TopSample(long nanos, JsonNode state, HostCpuTimes host, long[] swap, Map<String, VmCpu> vms) {

    /**
     * One QEMU's CPU time since it started.
     *
     * @param pid          its pid
     * @param processTicks utime + stime of the whole process (USER_HZ ticks)
     * @param vcpus        its vCPU threads, by vCPU number
     */
    record VmCpu(long pid, long processTicks, List<Vcpu> vcpus) {}

    /**
     * One vCPU thread's CPU time.
     *
     * @param index     the vCPU number
     * @param tid       its thread id
     * @param ticks     utime + stime (USER_HZ ticks)
     * @param runNanos  time on a CPU (schedstat)
     * @param waitNanos time runnable but waiting for a CPU (schedstat)
     */
    record Vcpu(int index, long tid, long ticks, long runNanos, long waitNanos) {}

    /** Reads /proc under {@code procRoot} for the VMs of {@code state} that are up and have a pid. */
    static TopSample take(JsonNode state, Path procRoot) {
        Map<String, VmCpu> vms = new LinkedHashMap<>();
        for (JsonNode vm : state.path("vms")) {
            long pid = vm.path("pid").asLong(-1);
            if (!vm.path("up").asBoolean() || pid <= 0) continue;
            long ticks = QemuProcessStats.processTicks(procRoot, pid);
            if (ticks < 0) continue;
            List<Vcpu> vcpus = new ArrayList<>();
            for (VcpuThreads.VcpuThread t : VcpuThreads.read(procRoot, pid)) {
                SchedStat s = SchedStat.read(procRoot, pid, t.tid()).orElse(new SchedStat(-1, -1));
                vcpus.add(new Vcpu(t.index(), t.tid(), t.ticks(), s.runNanos(), s.waitNanos()));
            }
            vms.put(vm.path("name").asText(), new VmCpu(pid, ticks, vcpus));
        }
        VmStat v = VmStat.read(procRoot);
        return new TopSample(System.nanoTime(), state, HostCpuTimes.read(procRoot), new long[] {v.get("pswpin"), v.get("pswpout")}, vms);
    }

    /** The managed VMs of the decision that were observed (up), in its order. */
    List<JsonNode> upVms() {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode vm : state.path("vms")) if (vm.path("up").asBoolean()) out.add(vm);
        return out;
    }
}
