package dev.memvisor.qemu.migrate;

/** A live migration failed or could not start; the message names the guest, the destination and what became of the source. */
public final class MigrationException extends RuntimeException {
    /** Creates the exception. */
    public MigrationException(String message) {
        this(message, null, null);
    }

    private final transient MigrationResult completed;

    /** Creates the exception with its cause. */
    public MigrationException(String message, Throwable cause) {
        this(message, cause, null);
    }

    /** Creates the exception for a migration that completed but whose destination then failed. */
    public MigrationException(String message, Throwable cause, MigrationResult completed) {
        super(message, cause);
        this.completed = completed;
    }

    /** The figures of the migration if QEMU completed it before the destination failed. */
    public java.util.Optional<MigrationResult> completed() {
        return java.util.Optional.ofNullable(completed);
    }
}
