package dev.memvisor.fleet.spec;

/** A bad FLEET.yaml: the message names the file, the line and the key. */
public final class FleetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An error with its full message. */
    public FleetException(String message) { super(message); }
}
