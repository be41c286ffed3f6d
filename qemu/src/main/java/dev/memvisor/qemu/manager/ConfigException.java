package dev.memvisor.qemu.manager;

/** host.yaml is wrong: the message names the file, the VM and the key. */
public final class ConfigException extends RuntimeException {
    /** Creates the exception. */
    public ConfigException(String message) {
        super(message);
    }
}
