package dev.memvisor.core.admission;

import dev.memvisor.core.model.VmSettings;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.memvisor.core.unit.Size.GIB;
import static dev.memvisor.core.unit.Size.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdmissionControlTest {
    private final AdmissionControl host = new AdmissionControl(8 * GIB, 32 * MIB);

    @Test
    void admitsWhileReservationsAndOverheadsFit() {
        var a = VmSettings.of("a", 8 * GIB).withReservation(4 * GIB);
        var b = VmSettings.of("b", 8 * GIB).withReservation(3 * GIB);
        AdmissionDecision d = host.admit(List.of(a), b);
        assertThat(d.admitted()).isTrue();
        assertThat(d.requiredBytes()).isEqualTo(7 * GIB + 64 * MIB);
        assertThat(d.shortfallBytes()).isZero();
    }

    @Test
    void aRefusalNamesTheVmAndByHowMuch() {
        var a = VmSettings.of("a", 8 * GIB).withReservation(5 * GIB);
        var b = VmSettings.of("db", 8 * GIB).withReservation(3 * GIB);
        AdmissionDecision d = host.admit(List.of(a), b);
        assertThat(d.admitted()).isFalse();
        assertThat(d.shortfallBytes()).isEqualTo(64 * MIB);
        assertThat(d.message()).isEqualTo("vm db refused: reservations and overheads would need 8.06G but the host has 8G, short by 64M");
    }

    @Test
    void overcommittingUnreservedMemoryIsAllowed() {
        var many = java.util.stream.IntStream.range(0, 10).mapToObj(i -> VmSettings.of("vm" + i, 4 * GIB)).toList();
        assertThat(host.admitInOrder(many)).allMatch(AdmissionDecision::admitted);
    }

    @Test
    void aRefusedVmDoesNotCountAgainstLaterOnes() {
        var big = VmSettings.of("big", 16 * GIB).withReservation(9 * GIB);
        var small = VmSettings.of("small", 2 * GIB).withReservation(GIB);
        var decisions = host.admitInOrder(List.of(small, big, small.withReservation(2 * GIB)));
        assertThat(decisions).extracting(AdmissionDecision::admitted).containsExactly(true, false, true);
        assertThatThrownBy(() -> host.requireAll(List.of(small, big)))
                .isInstanceOf(AdmissionException.class).hasMessageContaining("vm big refused");
    }
}
