package dev.memvisor.qemu.migrate;

import dev.memvisor.qemu.launch.Accelerator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which guests QEMU's TCG dirty-tracking bug can reach, and the RAM size memvisor's own TCG guests get to stay clear of it. */
class TcgDirtyTrackingTest {
    private static final long MIB = 1L << 20;

    @Test
    void aTcgGuestsRamIsNoLongerAMultipleOf256KiB() {
        assertThat(TcgDirtyTracking.memoryArgument(192 * MIB, Accelerator.TCG)).isEqualTo((192 * 1024 + 8) + "k");
        assertThat(TcgDirtyTracking.affectedSize(192 * MIB + TcgDirtyTracking.PAD_BYTES)).isFalse();
        assertThat(TcgDirtyTracking.memoryArgument(192 * MIB, Accelerator.KVM)).as("KVM tracks dirty pages itself").isEqualTo(192 * 1024 + "k");
    }

    @Test
    void onlyTcgGuestsOfQemuBefore9WithAlignedRamAreAtRisk() {
        assertThat(TcgDirtyTracking.atRisk(false, "7.2.0", 192 * MIB)).isTrue();
        assertThat(TcgDirtyTracking.atRisk(false, "7.2.0", 192 * MIB + 8192)).isFalse();
        assertThat(TcgDirtyTracking.atRisk(true, "7.2.0", 192 * MIB)).isFalse();
        assertThat(TcgDirtyTracking.atRisk(false, "9.0.0", 192 * MIB)).isFalse();
        assertThat(TcgDirtyTracking.note("7.2.0", 192 * MIB)).contains("QEMU 7.2.0").contains("9.0");
    }
}
