package dev.memvisor.qemu.qmp;

/** The peer sent something that is not QMP (malformed JSON, no greeting, a reply without id); the connection is closed. */
public final class QmpProtocolException extends QmpException {
    /** Creates the exception. */
    public QmpProtocolException(String message) {
        super(message);
    }
}
