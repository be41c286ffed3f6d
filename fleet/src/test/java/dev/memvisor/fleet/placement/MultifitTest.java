package dev.memvisor.fleet.placement;

import dev.memvisor.fleet.model.FleetVm;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class MultifitTest {
    private static List<FleetVm> vms(List<Long> sizes) {
        List<FleetVm> out = new ArrayList<>();
        for (int i = 0; i < sizes.size(); i++) out.add(new FleetVm("vm" + i, i, sizes.get(i), 0, 0, 1, null, "vms[0]"));
        return out;
    }

    @Test
    void firstFitDecreasingByHand() {
        // 5 -> host 1; 4 -> host 2; 3 -> host 2 (7); 2 -> host 1 (7); 2 -> host 3
        assertThat(Multifit.binsNeeded(vms(List.of(2L, 5L, 3L, 4L, 2L)), 7, FleetVm::configuredBytes)).isEqualTo(3);
        // one larger than a host gets a host of its own
        assertThat(Multifit.binsNeeded(vms(List.of(9L, 1L)), 7, FleetVm::configuredBytes)).isEqualTo(2);
    }

    @Test
    void twoHostsSplitByHand() {
        // sizes 5 4 3 2 2 on two hosts: the least capacity FFD fits is 8 (5+3 | 4+2+2)
        Placement p = Multifit.place(vms(List.of(5L, 4L, 3L, 2L, 2L)), 2, FleetVm::configuredBytes);
        assertThat(p.capacityBytes()).isEqualTo(8);
        assertThat(p.hosts()).extracting(h -> h.stream().map(FleetVm::name).toList())
                .containsExactly(List.of("vm0", "vm2"), List.of("vm1", "vm3", "vm4"));
    }

    @Test
    void aVmLargerThanTheOthersTogetherTakesAHostOfItsOwn() {
        // 10 alone; the four 1s share the other two hosts at capacity 2, rather than all packing under 10
        Placement p = Multifit.place(vms(List.of(1L, 10L, 1L, 1L, 1L)), 3, FleetVm::configuredBytes);
        assertThat(p.capacityBytes()).isEqualTo(2);
        assertThat(p.hosts()).extracting(h -> h.stream().map(FleetVm::name).toList())
                .containsExactly(List.of("vm1"), List.of("vm0", "vm2"), List.of("vm3", "vm4"));
    }

    @Property
    void everyVmOnceWithinCapacityAndHostCount(@ForAll @Size(min = 1, max = 40) List<@LongRange(min = 1, max = 1000) Long> sizes,
                                               @ForAll @IntRange(min = 1, max = 12) int hosts) {
        List<FleetVm> vms = vms(sizes);
        Placement p = Multifit.place(vms, hosts, FleetVm::configuredBytes);
        assertThat(p.hosts().size()).isBetween(1, hosts);
        Set<String> seen = new HashSet<>();
        long total = sizes.stream().mapToLong(Long::longValue).sum();
        long largest = sizes.stream().mapToLong(Long::longValue).max().orElseThrow();
        for (List<FleetVm> h : p.hosts()) {
            // within the capacity, or a single VM larger than it on a host of its own
            if (h.size() > 1 || h.get(0).configuredBytes() <= p.capacityBytes()) {
                assertThat(h.stream().mapToLong(FleetVm::configuredBytes).sum()).isLessThanOrEqualTo(p.capacityBytes());
            }
            for (FleetVm v : h) assertThat(seen.add(v.name())).isTrue();
            assertThat(h).isSortedAccordingTo(java.util.Comparator.comparingInt(FleetVm::order));
        }
        assertThat(seen).hasSize(sizes.size());
        assertThat(p.capacityBytes()).isBetween(1L, (total + hosts - 1) / hosts + largest);
        // every host is used when there are at least as many VMs
        if (sizes.size() >= hosts) assertThat(p.hosts()).hasSize(hosts);
        // deterministic, and FFD at that capacity needs no more hosts than were given
        assertThat(Multifit.place(vms, hosts, FleetVm::configuredBytes)).isEqualTo(p);
        assertThat(Multifit.binsNeeded(vms, p.capacityBytes(), FleetVm::configuredBytes)).isLessThanOrEqualTo(hosts);
    }
}
