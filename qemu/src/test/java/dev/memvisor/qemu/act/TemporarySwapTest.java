package dev.memvisor.qemu.act;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The tests' swap file: made only when the host has no swap, and gone again even when the test fails. */
class TemporarySwapTest {
    private static final long SIZE = 64L << 20;

    @Test
    void removesItsSwapFileEvenWhenTheTestFailsAndNeverTouchesOtherSwap() throws Exception {
        assumeTrue(TemporarySwap.activeSwaps().isEmpty(), "the host already has swap " + TemporarySwap.activeSwaps()
                + ": TemporarySwap uses it and makes no file, so there is nothing of its own to remove");
        Path[] made = new Path[1];
        assertThatThrownBy(() -> {
            try (TemporarySwap outer = TemporarySwap.ensure(SIZE)) {
                made[0] = outer.file();
                assertThat(outer.created()).isTrue();
                assertThat(TemporarySwap.activeSwaps()).containsExactly(made[0].toString());
                try (TemporarySwap inner = TemporarySwap.ensure(SIZE)) {
                    assertThat(inner.created()).as("swap is active now, so a second one uses it").isFalse();
                }
                assertThat(TemporarySwap.activeSwaps()).as("closing the user left the swap it did not make").containsExactly(made[0].toString());
                throw new IllegalStateException("the test body failed");
            }
        }).hasMessage("the test body failed");
        assertThat(TemporarySwap.activeSwaps()).isEmpty();
        assertThat(Files.exists(made[0])).as(made[0] + " deleted").isFalse();
    }
}
