package dev.memvisor.core.policy.esx;

import dev.memvisor.core.InvalidSettingException;
import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.VmSettings;
import dev.memvisor.core.model.VmView;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.memvisor.core.unit.Size.GIB;
import static dev.memvisor.core.unit.Size.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Hand-worked examples of share-based allocation with the idle memory tax. */
class IdleMemoryTaxTest {

    private static HostView host(long machine, VmView... vms) {
        return new HostView(0, machine, 0, 0, List.of(vms));
    }

    /** Two 8G VMs with equal shares on 10G: A idle, B 6G active. */
    private static HostView idleAndActive() {
        return host(10 * GIB,
                VmView.fresh(VmSettings.of("idle", 8 * GIB), 0),
                VmView.fresh(VmSettings.of("busy", 8 * GIB), 6 * GIB));
    }

    @Test
    void withoutTaxEqualSharesGetEqualTargets() {
        var a = new IdleMemoryTax(0).allocate(idleAndActive());
        assertThat(a.targets()).containsExactly(5 * GIB, 5 * GIB);
        assertThat(a.overcommitted()).isTrue();
    }

    @Test
    void theDefaultTaxMovesMemoryToTheActiveVm() {
        // k = 4: idle cost 4 P_idle; busy cost 6G + 4 (P_busy - 6G). Equal rho and P_idle + P_busy = 10G
        // give 4 P_idle = 4 P_busy - 18G, so P_busy = 7.25G and P_idle = 2.75G.
        var a = new IdleMemoryTax(0.75).allocate(idleAndActive());
        assertThat(a.targets()).containsExactly(2816 * MIB, 7424 * MIB);
        assertThat(a.reasons()[0]).startsWith("rho ");
        assertThat(a.rho()[0]).isCloseTo(a.rho()[1], org.assertj.core.data.Offset.offset(1e-9));
        // rho = S / cost in MiB: 81920 shares / (4 * 2816 MiB)
        assertThat(a.rho()[0]).isCloseTo(81920.0 / (4 * 2816), org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void aReservationIsHonouredUnderExtremePressure() {
        var a = new IdleMemoryTax(0.75).allocate(host(4 * GIB,
                VmView.fresh(VmSettings.of("reserved", 8 * GIB).withReservation(3 * GIB), 0),
                VmView.fresh(VmSettings.of("b", 8 * GIB), 8 * GIB),
                VmView.fresh(VmSettings.of("c", 8 * GIB), 8 * GIB)));
        assertThat(a.targets()).containsExactly(3 * GIB, 512 * MIB, 512 * MIB);
        assertThat(a.reasons()[0]).isEqualTo("reservation 3G");
    }

    @Test
    void aLimitIsHonouredWithMemoryToSpare() {
        var a = new IdleMemoryTax(0.75).allocate(host(64 * GIB,
                VmView.fresh(VmSettings.of("capped", 8 * GIB).withLimit(2 * GIB), 2 * GIB),
                VmView.fresh(VmSettings.of("free", 8 * GIB), GIB)));
        assertThat(a.targets()).containsExactly(2 * GIB, 8 * GIB);
        assertThat(a.reasons()).containsExactly("limit 2G", "configured 8G");
        assertThat(a.overcommitted()).isFalse();
    }

    @Test
    void withoutTaxTheSplitFollowsShares() {
        var a = new IdleMemoryTax(0).allocate(host(6 * GIB,
                VmView.fresh(VmSettings.of("one", 8 * GIB).withShares(1000), 0),
                VmView.fresh(VmSettings.of("two", 8 * GIB).withShares(2000), 8 * GIB)));
        assertThat(a.targets()).containsExactly(2 * GIB, 4 * GIB);
    }

    @Test
    void rhoFollowsThePaperFormula() {
        var tax = new IdleMemoryTax(0.75);
        // S = 1000, P = 100 MiB, f = 0.5: rho = 1000 / (100 * (0.5 + 4 * 0.5)) = 4
        assertThat(tax.sharesPerMib(1000, 100 * MIB, 50 * MIB)).isEqualTo(4.0);
        assertThat(tax.idleCost()).isEqualTo(4.0);
    }

    @Test
    void aTaxOfOneOrMoreIsRefusedNamingTheField() {
        assertThatThrownBy(() -> new IdleMemoryTax(1.0)).isInstanceOf(InvalidSettingException.class)
                .hasMessage("idleTax: got 1.0, expected a number in [0, 1)");
        assertThatThrownBy(() -> new IdleMemoryTax(-0.1)).isInstanceOf(InvalidSettingException.class);
    }

    @Test
    void rhoIsPrintedWithAboutThreeDigits() {
        assertThat(IdleMemoryTax.threeDigits(5.5512)).isEqualTo("5.55");
        assertThat(IdleMemoryTax.threeDigits(25.55)).isEqualTo("25.6");
        assertThat(IdleMemoryTax.threeDigits(1234.5)).isEqualTo("1235");
        assertThat(IdleMemoryTax.threeDigits(0.5)).isEqualTo("0.5");
        assertThat(IdleMemoryTax.threeDigits(0.01234)).isEqualTo("0.0123");
    }
}
