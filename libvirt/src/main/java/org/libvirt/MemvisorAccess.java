package org.libvirt;

import org.libvirt.jna.DomainPointer;

/**
 * memvisor's bridge into the bindings' package: the native handle of a {@link Domain} and the
 * bindings' own error translation, for the few libvirt calls that libvirt-java 0.5.3 does not wrap
 * (virDomainSetMemoryFlags, virDomainSetMemoryStatsPeriod, virDomainGet/SetMemoryParameters).
 * Both members are package-private in the bindings; living in their package (on the class path, no
 * module system) keeps this compile-checked against the pinned version instead of using reflection.
 */
public final class MemvisorAccess {
    private MemvisorAccess() {}

    /** The domain's native handle, valid while {@code d} is not freed. */
    public static DomainPointer pointer(Domain d) {
        return d.vdp;
    }

    /** Throws the libvirt error of this thread's last call when {@code rc} is -1, as the bindings do; returns {@code rc}. */
    public static int check(int rc) throws LibvirtException {
        return ErrorHandler.processError(rc);
    }
}
