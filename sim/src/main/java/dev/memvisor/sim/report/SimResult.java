package dev.memvisor.sim.report;

import dev.memvisor.core.counter.Counter;
import dev.memvisor.core.model.HostMemoryState;
import dev.memvisor.sim.scenario.Scenario;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a run recorded: a sample per VM and for the host every sample interval, the guest
 * CPU accounting per process, and the run's totals. The report writers all read this one object.
 */
public final class SimResult {
    /** The scenario that ran. */
    public final Scenario scenario;
    /** The policy's name. */
    public final String policy;
    /** Sample times in seconds. */
    public final List<Double> times = new ArrayList<>();
    /** Per VM: per counter of {@link SimCounters#VM}: one value per sample. */
    public final List<VmRecord> vms = new ArrayList<>();
    /** Per counter of {@link SimCounters#HOST}: one value per sample. */
    private final Map<Counter, List<Double>> host = new EnumMap<>(Counter.class);
    /** Seconds the host spent in each memory state (HostMemoryState ordinal). */
    public final double[] secondsInState = new double[HostMemoryState.values().length];
    /** Largest guest memory in use (backed, swapped or compressed) over machine memory for VMs. */
    public double peakOvercommit;
    /** Machine memory of the host. */
    public long machineBytes;
    /** Wall-clock milliseconds the run took (not part of summary.json, which must be reproducible). */
    public long wallMillis;
    /** Page references made by all VMs. */
    public long totalRefs;
    /** Pages the sharing scanner examined. */
    public long scanWorkPages;
    /** Guest-free pages the sharing scanner passed over ({@code host.sharing.skipFreePages}). */
    public long scanSkippedFreePages;
    /** Times the policy decided: every control interval plus every state change in between. */
    public long decisions;
    /** Decisions made because the host memory state changed between control intervals. */
    public long stateChangeDecisions;

    /** Creates an empty result. */
    public SimResult(Scenario scenario, String policy) {
        this.scenario = scenario;
        this.policy = policy;
        for (Counter c : SimCounters.HOST) host.put(c, new ArrayList<>());
    }

    /** One VM's record. */
    public static final class VmRecord {
        /** The VM's name. */
        public final String name;
        /** Configured memory. */
        public final long configuredBytes;
        /** vCPUs. */
        public final int vcpus;
        /** Per counter of {@link SimCounters#VM}: values per sample. */
        private final Map<Counter, List<Double>> counters = new EnumMap<>(Counter.class);
        /** Guest process names; the last is {@code _Total}. */
        public final List<String> processes;
        /** Per process: true CPU % of one processor per sample. */
        public final List<List<Double>> trueCpu = new ArrayList<>();
        /** Per process: guest-reported CPU % per sample. */
        public final List<List<Double>> reportedCpu = new ArrayList<>();
        /** Host-measured CPU % of the whole VM per sample. */
        public final List<Double> hostCpu = new ArrayList<>();
        /** Elapsed over standalone time of the work it did. */
        public double slowdown = 1;
        /** Whether its fixed work finished within the run. */
        public boolean workDone;
        /** Simulated seconds at which its work finished, or -1. */
        public double completionSeconds = -1;
        /** Pages the guest swapped out that the host had already swapped. */
        public long doublePagedPages;
        /** Page references made. */
        public long refs;
        /** Pages the guest itself swapped out and in. */
        public long guestSwapOuts, guestSwapIns;
        /** Hypervisor swap-ins. */
        public long hostSwapIns;
        /** Guest timer ticks dropped because a held backlog outgrew guest.timerGiveUp, and the times that happened (clock resyncs). */
        public long lostTicks, timerResyncs;
        /** Pages the host took while the VM held no more than its reservation (nothing else could give); 0 when honoured. */
        public long reservationViolationPages;

        /** Creates an empty record. */
        public VmRecord(String name, long configuredBytes, int vcpus, List<String> processes) {
            this.name = name;
            this.configuredBytes = configuredBytes;
            this.vcpus = vcpus;
            this.processes = List.copyOf(processes);
            for (Counter c : SimCounters.VM) counters.put(c, new ArrayList<>());
            for (int i = 0; i < processes.size(); i++) {
                trueCpu.add(new ArrayList<>());
                reportedCpu.add(new ArrayList<>());
            }
        }

        /** The values of one counter; throws for a counter the simulator does not record. */
        public List<Double> series(Counter c) { return recorded(counters, c); }

        /** Mean of a counter over the samples. */
        public double mean(Counter c) {
            return series(c).stream().mapToDouble(Double::doubleValue).average().orElse(0);
        }

        /** Largest value of a counter. */
        public double max(Counter c) {
            return series(c).stream().mapToDouble(Double::doubleValue).max().orElse(0);
        }
    }

    /** The values of one host counter; throws for a counter the simulator does not record. */
    public List<Double> series(Counter c) { return recorded(host, c); }

    private static List<Double> recorded(Map<Counter, List<Double>> m, Counter c) {
        List<Double> xs = m.get(c);
        if (xs == null) throw new IllegalArgumentException("the simulator does not record " + c.field() + " (" + c.scope() + ")");
        return xs;
    }

    /** The record of the VM named {@code name}. */
    public VmRecord vm(String name) {
        return vms.stream().filter(v -> v.name.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no VM " + name));
    }
}
