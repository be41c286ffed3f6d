package dev.memvisor.sim.scenario;

import dev.memvisor.core.admission.AdmissionControl;
import dev.memvisor.core.admission.AdmissionDecision;
import dev.memvisor.core.model.VmSettings;
import dev.memvisor.core.policy.PolicyConfig;
import dev.memvisor.sim.hypervisor.HostReclaim;

import java.nio.file.Path;
import java.util.List;

/**
 * A validated scenario in the simulator's units (bytes, microseconds, nanoseconds for costs), with
 * VM entries expanded by their count. Built only by {@link ScenarioValidator}.
 *
 * @param spec the effective scenario as written plus defaults (echoed in summary.json)
 */
public record Scenario(ScenarioSpec spec, long seed, long durationMicros, long sampleMicros, long stepMicros,
                       Host host, List<Vm> vms) {

    /**
     * The host's resolved settings.
     *
     * @param reclaimSetting {@code host.reclaim} as written, null when absent ({@link #reclaim()} then follows the policy)
     */
    public record Host(long machineBytes, int cores, String policyName, PolicyConfig policyConfig,
                       long controlMicros, long overheadBytesPerVm, Storage storage, int swapReadahead, HostReclaim reclaimSetting,
                       long faultOverheadNs, long ioCpuNs,
                       long balloonRateBytes, long swapRateBytes, boolean compression, double compressibleFraction,
                       double compressionMaxFraction, long decompressNs, int activeSamplePages,
                       long activePeriodMicros, long quantumMicros) {
        /** How the host picks the pages it swaps out: as set, else as the policy's hypervisor does. */
        public HostReclaim reclaim() {
            return reclaimSetting != null ? reclaimSetting : HostReclaim.forPolicy(policyName);
        }
    }

    /**
     * A storage device resolved from its type and overrides.
     *
     * @param type           disk, ssd or nvme
     * @param latencyNs      time to read one page when idle
     * @param bytesPerSecond transfer rate
     * @param parallelism    requests served at once
     */
    public record Storage(String type, long latencyNs, long bytesPerSecond, int parallelism) {}

    /** One VM's resolved settings; {@code guestStorage} null: the guest's virtual disk is on the host's storage. */
    public record Vm(VmSettings settings, int vcpus, String image, long osBytes, boolean zeroOnBoot,
                     Storage guestStorage, int guestSwapReadahead, double lowMemoryFraction, int tickHz,
                     int catchUpTicks, long timerGiveUpMicros, long dirtyExpireMicros, Workload workload, List<Process> processes) {
        /** The VM's name. */
        public String name() { return settings.name(); }
    }

    /** A VM's resolved workload. */
    public record Workload(String type, long workingSetBytes, long maxWorkingSetBytes, long growthBytesPerSecond,
                           double skew, double writeFraction, long refsPerSecond, double cpu, boolean fromImage,
                           long readOnlyBytes, boolean fileBacked, int readPages, int threads,
                           boolean trimOnLowMemory, boolean repeat, List<Phase> phases,
                           String traceFormat, Path traceFile, int loops, long maxRefs,
                           Path bitbrainsFile, double timeScale, long offsetMicros) {}

    /** One resolved workload phase. */
    public record Phase(long durationMicros, long workingSetBytes, double skew, double writeFraction,
                        long refsPerSecond, double cpu) {}

    /** A guest process that uses CPU and makes {@code ioPerSecond} I/Os, but no simulated memory. */
    @SuppressWarnings("JavaLangClash") // a guest process, as the scenario file names it; never used beside java.lang.Process
    public record Process(String name, double cpu, double ioPerSecond) {}

    /**
     * Admission control over the VMs in order: each is admitted while the reservations plus the per-VM
     * overhead of those admitted fit machine memory (core's {@link AdmissionControl}); one decision per VM.
     */
    public List<AdmissionDecision> admission() {
        return new AdmissionControl(host.machineBytes, host.overheadBytesPerVm).admitInOrder(vms.stream().map(Vm::settings).toList());
    }

    /** A copy with another policy name (for {@code compare}). */
    public Scenario withPolicy(String name) {
        Host h = host;
        Host nh = new Host(h.machineBytes, h.cores, name, h.policyConfig, h.controlMicros, h.overheadBytesPerVm,
                h.storage, h.swapReadahead, h.reclaimSetting, h.faultOverheadNs, h.ioCpuNs, h.balloonRateBytes, h.swapRateBytes, h.compression,
                h.compressibleFraction, h.compressionMaxFraction, h.decompressNs, h.activeSamplePages,
                h.activePeriodMicros, h.quantumMicros);
        return new Scenario(spec, seed, durationMicros, sampleMicros, stepMicros, nh, vms);
    }
}
