package dev.memvisor.qemu.migrate;

/** A live migration failed or could not start; the message names the guest, the destination and what became of the source. */
public final class MigrationException extends RuntimeException {
    /** Creates the exception. */
    public MigrationException(String message) {
        super(message);
    }

    /** Creates the exception with its cause. */
    public MigrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
