package dev.memvisor.qemu.cpu;

/** No CPU report arrived from the guest in time: the guest runs without the reporter, or it is stuck. */
public final class CpuReporterMissingException extends RuntimeException {
    /** With the message for the user. */
    public CpuReporterMissingException(String message) {
        super(message);
    }
}
