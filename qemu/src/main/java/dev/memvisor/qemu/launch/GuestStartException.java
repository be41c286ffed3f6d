package dev.memvisor.qemu.launch;

/** A guest could not be started or did not boot; the message names the guest and quotes its logs. */
public final class GuestStartException extends RuntimeException {
    /** Creates the exception. */
    public GuestStartException(String message) {
        super(message);
    }
}
