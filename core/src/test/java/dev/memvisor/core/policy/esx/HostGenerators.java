package dev.memvisor.core.policy.esx;

import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.VmSettings;
import dev.memvisor.core.model.VmView;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.util.ArrayList;
import java.util.List;

import static dev.memvisor.core.unit.Size.MIB;

/** Random admissible hosts for property tests: reservations and overheads always fit. */
public final class HostGenerators {
    private HostGenerators() {}

    /** One VM with random settings and a random view. */
    public static Arbitrary<VmView> vms() {
        Arbitrary<Long> configuredMib = Arbitraries.longs().between(64, 16_384);
        Arbitrary<Integer> pct = Arbitraries.integers().between(0, 100);
        Arbitrary<Long> shares = Arbitraries.longs().between(1, 400_000);
        return Combinators.combine(configuredMib, pct, pct, shares, pct, pct, Arbitraries.strings().alpha().ofLength(6), pct)
                .as((cfg, resPct, limPct, sh, actPct, balPct, name, freePct) -> {
                    long configured = cfg * MIB;
                    long limit = Math.max(MIB, configured * Math.max(limPct, 1) / 100);
                    long reservation = limit * resPct / 100 / 2;
                    VmSettings s = new VmSettings(name, configured, reservation, limit, sh, balPct % 5 != 0);
                    long granted = configured * (100 - balPct / 2) / 100;
                    long balloon = configured - granted;
                    long active = granted * actPct / 100;
                    long used = granted * Math.max(actPct, 100 - freePct) / 100;
                    return new VmView(s, granted, granted, balloon, 0, 0, active, granted - used, used);
                });
    }

    /** A host of 1 to 8 VMs whose reservations fit; machine memory between them and twice the ceilings. */
    public static Arbitrary<HostView> hosts() {
        return vms().list().ofMinSize(1).ofMaxSize(8).uniqueElements(v -> v.name().toLowerCase(java.util.Locale.ROOT))
                .flatMap(list -> {
                    long overhead = 32 * MIB;
                    long res = list.stream().mapToLong(v -> v.settings().reservationBytes()).sum() + overhead * list.size();
                    long ceil = list.stream().mapToLong(v -> v.settings().ceilingBytes()).sum() + overhead * list.size();
                    return Combinators.combine(Arbitraries.longs().between(res + MIB, 2 * ceil + MIB),
                                    Arbitraries.integers().between(0, 100))
                            .as((machine, freePct) -> new HostView(0, machine, machine * freePct / 1000, overhead,
                                    new ArrayList<>(list)));
                });
    }

    /** The same host with one VM's view replaced. */
    public static HostView replace(HostView h, int index, VmView vm) {
        List<VmView> vms = new ArrayList<>(h.vms());
        vms.set(index, vm);
        return new HostView(h.timeMillis(), h.machineBytes(), h.freeBytes(), h.overheadBytesPerVm(), vms);
    }
}
