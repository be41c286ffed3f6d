package dev.memvisor.qemu.qmp;

/** A QMP call failed: QEMU answered with an error, the socket closed, QEMU died or the reply was late or malformed. */
public class QmpException extends RuntimeException {
    /** Creates the exception with a message that names the socket and the command. */
    public QmpException(String message) {
        super(message);
    }

    /** Creates the exception with a cause. */
    public QmpException(String message, Throwable cause) {
        super(message, cause);
    }
}
