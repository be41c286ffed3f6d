package dev.memvisor.qemu.qmp;

/** QEMU did not answer a command within its timeout. */
public final class QmpTimeoutException extends QmpException {
    /** Creates the exception. */
    public QmpTimeoutException(String message) {
        super(message);
    }
}
