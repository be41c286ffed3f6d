package dev.memvisor.qemu.qmp;

/** QEMU answered a command with {@code {"error": {"class": ..., "desc": ...}}}. */
public final class QmpErrorReply extends QmpException {
    private final String errorClass;
    private final String desc;

    /** Creates the exception for the command's error reply. */
    public QmpErrorReply(String socket, String command, String errorClass, String desc) {
        super("QMP " + socket + ": " + command + " failed: " + errorClass + ": " + desc);
        this.errorClass = errorClass;
        this.desc = desc;
    }

    /** QEMU's error class, for example {@code GenericError} or {@code DeviceNotActive}. */
    public String errorClass() { return errorClass; }

    /** QEMU's description of the error. */
    public String desc() { return desc; }
}
