package dev.memvisor.qemu.collect;

/** Measures how much of a VM's guest memory its QEMU process touched during the last control interval. */
public interface ActiveMemorySource extends AutoCloseable {
    /**
     * Memory the VM touched since the previous call for it, in bytes, or -1 when it cannot be
     * measured this interval (the caller then counts all granted memory as active).
     *
     * @param vm            the VM's name (a source may keep per-VM state)
     * @param pid           its QEMU process
     * @param guestRamBytes the guest's configured memory
     */
    long activeBytes(String vm, long pid, long guestRamBytes);

    /** What this source is, for the manager's log. */
    String description();

    /** Forgets a VM that is gone (a libvirt domain stopped): a source with a slot per VM frees it; nothing by default. */
    default void release(String vm) {}

    /** Releases what the source set up in the kernel; nothing by default. */
    @Override
    default void close() {}
}
