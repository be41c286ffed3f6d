package dev.memvisor.core.policy;

import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.Plan;
import dev.memvisor.core.model.VmSettings;
import dev.memvisor.core.policy.esx.HostGenerators;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What every registered policy promises, over random hosts. */
class PolicyContractPropertiesTest {

    @Provide
    Arbitrary<HostView> hosts() { return HostGenerators.hosts(); }

    @Provide
    Arbitrary<String> policies() { return Arbitraries.of(PolicyRegistry.names()); }

    @Property
    void everyPlanCoversEveryVmWithinItsBounds(@ForAll("policies") String name, @ForAll("hosts") HostView h) {
        Plan p = PolicyRegistry.create(name, PolicyConfig.defaults()).decide(h);
        assertThat(p.timeMillis()).isEqualTo(h.timeMillis());
        assertThat(p.vms()).hasSize(h.vms().size());
        for (int i = 0; i < h.vms().size(); i++) {
            VmSettings s = h.vms().get(i).settings();
            var v = p.vms().get(i);
            assertThat(v.name()).isEqualTo(s.name());
            assertThat(v.targetBytes()).as(name + " target of " + s.name()).isBetween(s.reservationBytes(), s.ceilingBytes());
            assertThat(v.balloonTargetBytes()).isBetween(0L, s.configuredBytes());
            // Without a balloon driver nothing can inflate a balloon.
            if (!s.ballooning()) assertThat(v.balloonTargetBytes()).isLessThanOrEqualTo(h.vms().get(i).balloonBytes());
            assertThat(v.reason()).isNotBlank();
        }
    }

    @Property
    void esxNeverHandsOutMoreThanTheHostHas(@ForAll("hosts") HostView h) {
        Plan p = PolicyRegistry.create("esx", PolicyConfig.defaults()).decide(h);
        assertThat(p.vms().stream().mapToLong(v -> v.targetBytes()).sum()).isLessThanOrEqualTo(h.availableForVmsBytes());
    }

    @Property
    void hypervNeverHandsOutMoreThanTheHostHasUnlessStaticVmsAlreadyHoldIt(@ForAll("hosts") HostView h) {
        // VMs without a balloon driver keep their size; the others can go down to their minimum.
        long floor = 0;
        for (var vm : h.vms()) {
            var s = vm.settings();
            floor += s.ballooning() ? s.reservationBytes()
                    : Math.max(s.reservationBytes(), Math.min(s.ceilingBytes(), vm.visibleBytes()));
        }
        Plan p = PolicyRegistry.create("hyperv", PolicyConfig.defaults()).decide(h);
        assertThat(p.vms().stream().mapToLong(v -> v.targetBytes()).sum())
                .isLessThanOrEqualTo(Math.max(h.availableForVmsBytes(), floor));
    }

    @Test
    void theRegistryKnowsAllFivePolicies() {
        assertThat(PolicyRegistry.names()).containsExactlyInAnyOrder("esx", "hyperv", "proxmox", "mom", "static");
        for (String n : PolicyRegistry.names()) assertThat(PolicyRegistry.create(n, PolicyConfig.defaults()).name()).isEqualTo(n);
    }

    @Test
    void badConfigurationIsRefusedNamingFieldValueAndRange() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PolicyConfig.builder().idleTax(1).build())
                .hasMessage("idleTax: got 1.0, expected a number in [0, 1)");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PolicyConfig.builder().momPressureCritical(-0.1).build())
                .hasMessage("momPressureCritical: got -0.1, expected a number in [0, 1)");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PolicyRegistry.create("vmware", PolicyConfig.defaults()))
                .hasMessageStartingWith("policy: got vmware, expected one of esx");
    }
}
