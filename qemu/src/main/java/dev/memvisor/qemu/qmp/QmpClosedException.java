package dev.memvisor.qemu.qmp;

/** The QMP socket is closed: QEMU hung up, died or the client was closed. */
public final class QmpClosedException extends QmpException {
    /** Creates the exception. */
    public QmpClosedException(String message) {
        super(message);
    }

    /** Creates the exception with a cause. */
    public QmpClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
