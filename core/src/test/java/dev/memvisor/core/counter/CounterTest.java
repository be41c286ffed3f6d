package dev.memvisor.core.counter;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class CounterTest {

    @Test
    void everyCounterIsNamedOnceWithinItsScope() {
        for (Scope s : Scope.values()) {
            Set<String> fields = new HashSet<>(), batch = new HashSet<>(), keys = new HashSet<>();
            for (Counter c : Counter.of(s)) {
                assertThat(fields.add(c.field())).as("field " + c.field()).isTrue();
                assertThat(batch.add(c.object() + "\\" + c.batchCounter())).as("batch " + c).isTrue();
                assertThat(keys.add(c.key())).as("key " + c.key()).isTrue();
            }
        }
        Set<String> prom = new HashSet<>();
        Arrays.stream(Counter.values()).flatMap(c -> c.prometheusName().stream()).forEach(n -> assertThat(prom.add(n)).as(n).isTrue());
    }

    @Test
    void prometheusNamesFollowTheConventions() {
        for (Counter c : Counter.values()) {
            c.prometheusName().ifPresent(n -> {
                assertThat(n).matches("memvisor_(host|vm|vcpu)_[a-z0-9_]+");
                if (c.unit() == Unit.MBYTES) assertThat(n).endsWith("_bytes");
                if (c.unit() == Unit.MBYTES_PER_SEC) assertThat(n).endsWith("_bytes_total");
                if (c.unit() == Unit.PERCENT) assertThat(n).endsWith("_seconds_total");
            });
        }
    }

    @Test
    void lookupsFindTheRealExportsNames() {
        assertThat(Counter.byBatchName(Scope.VM, "Group Memory", "Memctl MBytes")).contains(Counter.MCTLSZ);
        assertThat(Counter.byBatchName(Scope.HOST, "memory", "kernel state")).contains(Counter.HOST_STATE);
        assertThat(Counter.byField(Scope.VM, "%rdy")).contains(Counter.RDY);
        assertThat(Counter.stateNames().get(1)).isEqualTo("clear");
        assertThat(Unit.MBYTES.toBase(1)).isEqualTo(1048576.0);
    }
}
