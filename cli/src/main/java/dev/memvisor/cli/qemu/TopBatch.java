package dev.memvisor.cli.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memvisor.core.counter.Counter;
import dev.memvisor.core.counter.Scope;
import dev.memvisor.core.counter.Unit;
import dev.memvisor.measure.esxtop.EsxtopBatchWriter;

import java.io.Writer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;

/**
 * {@code memvisor top -b}: esxtop's batch mode on KVM. One PDH-CSV 4.0 file ({@link EsxtopBatchWriter})
 * with the counters esxtop writes for what memvisor measures, each named by core's counter
 * catalogue ({@link Counter}: object and counter of the batch path): the host's {@code Memory}
 * object and {@code Physical Cpu(_Total)}; per managed VM its {@code Group Memory(GID:NAME)} and
 * {@code Group Cpu(GID:NAME)}, and per vCPU {@code Vcpu(GID:NAME:TID:vmx-vcpu-N:NAME)}, where GID is
 * the VM's QEMU pid and TID its vCPU thread. The columns are those of the first sample, as esxtop
 * fixes them; a VM that goes (or whose QEMU restarts) leaves its columns empty.
 */
final class TopBatch {
    /** The host counters written, from the decision and top's own /proc readings. */
    static final List<Counter> HOST = List.of(Counter.HOST_PMEM, Counter.HOST_FREE, Counter.HOST_STATE, Counter.HOST_MCTLSZ,
            Counter.HOST_MCTLTGT, Counter.HOST_SWCUR, Counter.HOST_SWTGT, Counter.HOST_SWR, Counter.HOST_SWW,
            Counter.HOST_PSHARE_SHARED, Counter.HOST_PSHARE_COMMON, Counter.HOST_PSHARE_SAVING);
    /** The per-VM memory counters written: the decision log's fields of the same names. */
    static final List<Counter> VM_MEMORY = List.of(Counter.MEMSZ, Counter.AMIN, Counter.AMAX, Counter.ASHRS, Counter.GRANT,
            Counter.SZTGT, Counter.TCHD, Counter.CNSM, Counter.OVHD, Counter.MCTL, Counter.MCTLSZ, Counter.MCTLTGT,
            Counter.SWCUR, Counter.SWTGT, Counter.SHRD, Counter.SHRDSVD);
    /** The per-VM CPU counters written, in the order of {@link TopRates#vm}. */
    static final List<Counter> VM_CPU = List.of(Counter.USED, Counter.RUN, Counter.RDY, Counter.CSTP);
    /** The per-vCPU counters written, in the order of {@link TopRates#vcpu}. */
    static final List<Counter> VCPU = List.of(Counter.VCPU_USED, Counter.VCPU_RUN, Counter.VCPU_RDY, Counter.VCPU_CSTP);
    private static final double MIB = 1024.0 * 1024.0;
    private static final long PAGE = 4096;
    /** Group ids of VMs without a visible QEMU start here (pids are below 2^22 on Linux). */
    private static final long NO_PID_GROUPS = 1L << 22;

    private final EsxtopBatchWriter writer;
    private final List<BiFunction<TopSample, TopRates, Double>> values = new ArrayList<>();

    /** Writes the header for the entities of {@code first} to {@code out}; {@code machine} names the host in every path. */
    TopBatch(Writer out, String machine, TopSample first) {
        List<EsxtopBatchWriter.Column> cols = new ArrayList<>();
        for (Counter c : HOST) {
            cols.add(new EsxtopBatchWriter.Column(c.object(), null, c.batchCounter()));
            values.add((s, r) -> host(c, s, r));
        }
        cols.add(new EsxtopBatchWriter.Column(Counter.HOST_PCPU_UTIL.object(), "_Total", Counter.HOST_PCPU_UTIL.batchCounter()));
        values.add((s, r) -> r.hostUtilPct());
        List<JsonNode> vms = first.upVms();
        for (int n = 0; n < vms.size(); n++) {
            JsonNode vm = vms.get(n);
            String name = vm.path("name").asText();
            long pid = vm.path("pid").asLong(-1);
            // a QEMU not visible here (a remote libvirt) has no pid: a group id of its own all the same
            String group = (pid > 0 ? pid : NO_PID_GROUPS + n) + ":" + name;
            for (Counter c : VM_MEMORY) {
                cols.add(new EsxtopBatchWriter.Column(c.object(), group, c.batchCounter()));
                values.add((s, r) -> {
                    JsonNode v = same(s, name, pid);
                    return v == null || !v.has(c.field()) ? Double.NaN : scaled(c, v.path(c.field()).asDouble());
                });
            }
            for (int i = 0; i < VM_CPU.size(); i++) {
                int k = i;
                cols.add(new EsxtopBatchWriter.Column(VM_CPU.get(i).object(), group, VM_CPU.get(i).batchCounter()));
                values.add((s, r) -> same(s, name, pid) == null ? Double.NaN : r.vm(name)[k]);
            }
            TopSample.VmCpu cpu = first.vms().get(name);
            if (cpu == null) continue;
            for (TopSample.Vcpu t : cpu.vcpus()) {
                String world = group + ":" + t.tid() + ":vmx-vcpu-" + t.index() + ":" + name;
                for (int i = 0; i < VCPU.size(); i++) {
                    int k = i;
                    cols.add(new EsxtopBatchWriter.Column(VCPU.get(i).object(), world, VCPU.get(i).batchCounter()));
                    values.add((s, r) -> same(s, name, pid) == null ? Double.NaN : r.vcpu(name, t.tid())[k]);
                }
            }
        }
        this.writer = new EsxtopBatchWriter(out, machine, cols);
    }

    /** Writes one row: the decision of {@code s} and the rates ending at it. */
    void row(Instant time, TopSample s, TopRates r) {
        double[] row = new double[values.size()];
        for (int i = 0; i < row.length; i++) row[i] = values.get(i).apply(s, r);
        writer.row(time, row);
    }

    /** A VM's group id: its QEMU pid (esxtop's groups are the VM's worlds; on KVM its process), or -1 when not visible here. */
    static long gid(JsonNode vm) {
        return vm.path("pid").asLong(-1);
    }

    private static JsonNode same(TopSample s, String name, long pid) {
        for (JsonNode vm : s.upVms()) if (vm.path("name").asText().equals(name) && vm.path("pid").asLong(-1) == pid) return vm;
        return null;
    }

    private static double scaled(Counter c, double v) {
        return c.unit() == Unit.MBYTES ? v / MIB : v;
    }

    private static double host(Counter c, TopSample s, TopRates r) {
        JsonNode h = s.state().path("host");
        switch (c) {
            case HOST_PMEM: return h.path("machine").asDouble() / MIB;
            case HOST_FREE: return h.path("free").asDouble() / MIB;
            case HOST_STATE: return stateNumber(s.state().path("state").asText());
            case HOST_MCTLSZ: return sum(s, Counter.MCTLSZ);
            case HOST_MCTLTGT: return sum(s, Counter.MCTLTGT);
            case HOST_SWCUR: return sum(s, Counter.SWCUR);
            case HOST_SWTGT: return sum(s, Counter.SWTGT);
            case HOST_SWR: return r.hostSwapMBps(0);
            case HOST_SWW: return r.hostSwapMBps(1);
            case HOST_PSHARE_SHARED: return (h.path("ksmPagesShared").asLong() + h.path("ksmPagesSharing").asLong()) * (double) PAGE / MIB;
            case HOST_PSHARE_COMMON: return h.path("ksmPagesShared").asLong() * (double) PAGE / MIB;
            case HOST_PSHARE_SAVING: return h.path("ksmPagesSharing").asLong() * (double) PAGE / MIB;
            default: throw new IllegalArgumentException("no host value for " + c);
        }
    }

    /** esxtop's Kernel State number (ESXi 6 numbering: 0 high, 1 clear, 2 soft, 3 hard, 4 low) of memvisor's state. */
    static double stateNumber(String state) {
        int i = Counter.stateNames().indexOf(state.toLowerCase(Locale.ROOT));
        return i < 0 ? Double.NaN : i;
    }

    private static double sum(TopSample s, Counter c) {
        double sum = 0;
        for (JsonNode vm : s.upVms()) sum += vm.path(c.field()).asDouble();
        return sum / MIB;
    }

    // every counter of the lists has the scope its list says (a wrong entry fails when the class loads)
    static {
        for (Counter c : HOST) if (c.scope() != Scope.HOST) throw new IllegalStateException(c + " is not a host counter");
        for (Counter c : VM_MEMORY) if (c.scope() != Scope.VM) throw new IllegalStateException(c + " is not a VM counter");
    }
}
