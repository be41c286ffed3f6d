package dev.memvisor.qemu.qmp;

/**
 * The answer of {@code query-migrate}.
 *
 * @param status           none, setup, active, completed, failed, cancelled...
 * @param transferredBytes RAM bytes sent so far (0 when unknown)
 * @param remainingBytes   RAM bytes left to send (0 when unknown)
 * @param totalBytes       the guest's RAM in bytes (0 when unknown)
 * @param dirtySyncCount   pre-copy rounds so far
 * @param downtimeMillis   the stop-and-copy downtime once completed (-1 when unknown)
 * @param errorDesc        QEMU's error message when failed, else empty
 */
public record MigrationInfo(String status, long transferredBytes, long remainingBytes, long totalBytes,
                            long dirtySyncCount, long downtimeMillis, String errorDesc) {

    /** Whether the migration ended (completed, failed or cancelled). */
    public boolean finished() {
        return status.equals("completed") || status.equals("failed") || status.equals("cancelled");
    }
}
