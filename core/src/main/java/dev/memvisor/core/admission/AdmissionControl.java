package dev.memvisor.core.admission;

import dev.memvisor.core.model.VmSettings;

import java.util.ArrayList;
import java.util.List;

/**
 * Admission control: a host of machine memory M admits a VM only while every admitted VM's
 * reservation plus the per-VM overhead still fits in M, so reservations can always be honoured.
 * Source: Waldspurger, OSDI 2002, section 3.2 (admission control).
 */
public final class AdmissionControl {
    private final long machineBytes;
    private final long overheadBytesPerVm;

    /** A controller for a host of {@code machineBytes} where each VM costs {@code overheadBytesPerVm} besides its reservation. */
    public AdmissionControl(long machineBytes, long overheadBytesPerVm) {
        if (machineBytes <= 0) throw new IllegalArgumentException("machineBytes must be > 0, got " + machineBytes);
        if (overheadBytesPerVm < 0) throw new IllegalArgumentException("overheadBytesPerVm must be >= 0, got " + overheadBytesPerVm);
        this.machineBytes = machineBytes;
        this.overheadBytesPerVm = overheadBytesPerVm;
    }

    /** Reservations plus overheads of these VMs. */
    public long requiredBytes(List<VmSettings> vms) {
        long sum = 0;
        for (VmSettings vm : vms) sum = Math.addExact(sum, Math.addExact(vm.reservationBytes(), overheadBytesPerVm));
        return sum;
    }

    /** Whether {@code candidate} may join the already admitted {@code running} VMs. */
    public AdmissionDecision admit(List<VmSettings> running, VmSettings candidate) {
        long required = Math.addExact(requiredBytes(running), candidate.reservationBytes() + overheadBytesPerVm);
        long shortfall = Math.max(0, required - machineBytes);
        return new AdmissionDecision(candidate.name(), shortfall == 0, required, machineBytes, shortfall);
    }

    /** Admits the VMs in order, each against those admitted before it; a refused VM does not count for later ones. */
    public List<AdmissionDecision> admitInOrder(List<VmSettings> vms) {
        List<VmSettings> admitted = new ArrayList<>();
        List<AdmissionDecision> out = new ArrayList<>();
        for (VmSettings vm : vms) {
            AdmissionDecision d = admit(admitted, vm);
            if (d.admitted()) admitted.add(vm);
            out.add(d);
        }
        return out;
    }

    /**
     * Checks that all these VMs fit together.
     *
     * @throws AdmissionException for the first VM that does not fit, naming it and the shortfall
     */
    public void requireAll(List<VmSettings> vms) {
        for (AdmissionDecision d : admitInOrder(vms)) {
            if (!d.admitted()) throw new AdmissionException(d);
        }
    }
}
