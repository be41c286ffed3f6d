package dev.memvisor.libvirt;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MemTuneTest {
    @Test
    void libvirtsUnlimitedMarkIsUnlimited() {
        assertThat(MemTune.fromKib(9007199254740991L)).isEqualTo(MemTune.UNLIMITED);
        assertThat(MemTune.toKib(MemTune.UNLIMITED)).isEqualTo(9007199254740991L);
        assertThat(MemTune.fromKib(1024)).isEqualTo(1 << 20);
    }

    @Property
    void aLimitWrittenInKibNeverFallsBelowWhatWasAsked(@ForAll @LongRange(min = 0, max = 1L << 50) long bytes) {
        long kib = MemTune.toKib(bytes);
        assertThat(kib * 1024).isBetween(bytes, bytes + 1023);
        assertThat(MemTune.fromKib(kib)).isGreaterThanOrEqualTo(bytes);
    }

    @Test
    void writesOnlyWhatIsSetAndNamesLibvirtsParameters() {
        MemTune t = MemTune.UNCHANGED.withHardLimit(256L << 20).withSoftLimit(MemTune.UNLIMITED);
        assertThat(t.get(0)).isEqualTo(256L << 20);
        assertThat(t.swapHardLimitBytes()).isEqualTo(MemTune.ABSENT);
        assertThat(t).hasToString("memtune{hard_limit=256M, soft_limit=unlimited, swap_hard_limit=-, min_guarantee=-}");
        assertThatThrownBy(() -> MemTune.UNCHANGED.withSoftLimit(-5)).hasMessageContaining("soft_limit: -5 is negative");
    }
}
