package dev.memvisor.qemu.cpu;

/** The QEMU process being measured has exited. */
public final class QemuGoneException extends RuntimeException {
    /** For process {@code pid}. */
    public QemuGoneException(long pid) {
        super("QEMU (pid " + pid + ") has exited");
    }
}
