package dev.memvisor.core.policy.esx;

import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.VmSettings;
import dev.memvisor.core.model.VmView;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Invariants of share-based allocation with the idle memory tax over random hosts. */
class IdleMemoryTaxPropertiesTest {

    @Provide
    Arbitrary<HostView> hosts() { return HostGenerators.hosts(); }

    @Provide
    Arbitrary<Double> taus() { return Arbitraries.doubles().between(0, 0.95); }

    @Property
    void targetsNeverExceedTheMemoryAvailableToVms(@ForAll("hosts") HostView h, @ForAll("taus") double tau) {
        long[] t = new IdleMemoryTax(tau).allocate(h).targets();
        assertThat(Arrays.stream(t).sum()).isLessThanOrEqualTo(h.availableForVmsBytes());
    }

    @Property
    void targetsStayBetweenReservationAndCeiling(@ForAll("hosts") HostView h, @ForAll("taus") double tau) {
        long[] t = new IdleMemoryTax(tau).allocate(h).targets();
        for (int i = 0; i < t.length; i++) {
            VmSettings s = h.vms().get(i).settings();
            assertThat(t[i]).isBetween(s.reservationBytes(), Math.min(s.limitBytes(), s.configuredBytes()));
        }
    }

    @Property
    void withEqualActivityMoreSharesNeverMeansLessMemory(@ForAll("hosts") HostView h, @ForAll("taus") double tau,
                                                         @ForAll @IntRange(min = 0, max = 7) int pick,
                                                         @ForAll @DoubleRange(min = 1, max = 10) double factor) {
        int i = pick % h.vms().size();
        VmView vm = h.vms().get(i);
        long more = (long) Math.ceil(vm.settings().shares() * factor);
        HostView richer = HostGenerators.replace(h, i, new VmView(vm.settings().withShares(more), vm.grantedBytes(),
                vm.consumedBytes(), vm.balloonBytes(), vm.swappedBytes(), vm.compressedBytes(), vm.activeBytes(),
                vm.guestFreeBytes(), vm.guestUsedBytes()));
        var tax = new IdleMemoryTax(tau);
        // 1 byte of slack: targets are floored from a double solution.
        assertThat(tax.allocate(richer).targets()[i]).isGreaterThanOrEqualTo(tax.allocate(h).targets()[i] - 1);
    }

    @Property
    void twinsWithMoreSharesGetAtLeastAsMuch(@ForAll("hosts") HostView h, @ForAll("taus") double tau) {
        // Add a twin of the first VM with twice its shares: same activity and bounds, so at least as much memory.
        VmView first = h.vms().get(0);
        var vms = new java.util.ArrayList<>(h.vms());
        vms.add(new VmView(new VmSettings(first.name() + "-twin", first.settings().configuredBytes(),
                first.settings().reservationBytes(), first.settings().limitBytes(), 2 * first.settings().shares(),
                first.settings().ballooning()), first.grantedBytes(), first.consumedBytes(), first.balloonBytes(),
                0, 0, first.activeBytes(), first.guestFreeBytes(), first.guestUsedBytes()));
        HostView twins = new HostView(0, h.machineBytes() + first.settings().reservationBytes() + h.overheadBytesPerVm(),
                h.freeBytes(), h.overheadBytesPerVm(), vms);
        long[] t = new IdleMemoryTax(tau).allocate(twins).targets();
        assertThat(t[vms.size() - 1]).isGreaterThanOrEqualTo(t[0]);
    }

    @Property
    void aHigherTaxNeverGivesAnIdleVmMoreMemory(@ForAll("hosts") HostView h,
                                                @ForAll @DoubleRange(min = 0, max = 0.95) double tau1,
                                                @ForAll @DoubleRange(min = 0, max = 0.95) double tau2,
                                                @ForAll @IntRange(min = 0, max = 7) int pick) {
        int i = pick % h.vms().size();
        VmView vm = h.vms().get(i);
        HostView withIdle = HostGenerators.replace(h, i, new VmView(vm.settings(), vm.grantedBytes(), vm.consumedBytes(),
                vm.balloonBytes(), 0, 0, 0, vm.guestFreeBytes(), vm.guestUsedBytes()));
        double lo = Math.min(tau1, tau2), hi = Math.max(tau1, tau2);
        long atLo = new IdleMemoryTax(lo).allocate(withIdle).targets()[i];
        long atHi = new IdleMemoryTax(hi).allocate(withIdle).targets()[i];
        assertThat(atHi).isLessThanOrEqualTo(atLo + 1);
    }

    @Property
    void withoutTaxUnboundedVmsSplitInProportionToShares(@ForAll("hosts") HostView h) {
        var a = new IdleMemoryTax(0).allocate(h);
        if (!a.overcommitted()) return;
        long[] t = a.targets();
        for (int i = 0; i < t.length; i++) {
            for (int j = 0; j < t.length; j++) {
                if (a.reasons()[i].startsWith("rho") && a.reasons()[j].startsWith("rho")) {
                    // t_i / t_j = S_i / S_j up to the byte lost when each target is rounded
                    double si = h.vms().get(i).settings().shares(), sj = h.vms().get(j).settings().shares();
                    assertThat(Math.abs(t[i] * sj - t[j] * si)).isLessThanOrEqualTo(si + sj);
                }
            }
        }
    }
}
