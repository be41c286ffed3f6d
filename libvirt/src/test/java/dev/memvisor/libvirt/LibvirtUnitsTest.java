package dev.memvisor.libvirt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LibvirtUnitsTest {
    @ParameterizedTest(name = "{0} {1} = {2} bytes")
    @CsvSource({
            "512, , 524288",          // no unit: KiB, as libvirt's <memory>
            "512, '', 524288",
            "7, b, 7",
            "7, bytes, 7",
            "1, k, 1024",
            "1, KiB, 1024",
            "1, KB, 1000",
            "2, M, 2097152",
            "2, MiB, 2097152",
            "2, mib, 2097152",
            "2, MB, 2000000",
            "3, G, 3221225472",
            "3, GB, 3000000000",
            "1, TiB, 1099511627776",
            "1, E, 1152921504606846976",
    })
    void scalesAsLibvirtDoes(String value, String unit, long bytes) {
        assertThat(LibvirtUnits.toBytes(value, unit)).isEqualTo(bytes);
    }

    @Test
    void rejectsWhatLibvirtRejects() {
        assertThatThrownBy(() -> LibvirtUnits.toBytes("1", "parsec")).hasMessageContaining("unknown unit 'parsec'");
        assertThatThrownBy(() -> LibvirtUnits.toBytes("1", "Kb2")).hasMessageContaining("unknown unit");
        assertThatThrownBy(() -> LibvirtUnits.toBytes("-1", "MiB")).hasMessageContaining("'-1' is not a whole number of MiB");
        assertThatThrownBy(() -> LibvirtUnits.toBytes("1.5", null)).hasMessageContaining("not a whole number of KiB");
        assertThatThrownBy(() -> LibvirtUnits.toBytes("9", "E")).hasMessageContaining("too large");
    }
}
