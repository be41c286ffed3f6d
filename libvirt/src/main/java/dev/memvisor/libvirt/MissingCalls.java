package dev.memvisor.libvirt;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.ptr.IntByReference;
import org.libvirt.jna.DomainPointer;
import org.libvirt.jna.virTypedParameter;

/**
 * The libvirt functions memvisor needs that libvirt-java 0.5.3 (the newest release) does not wrap,
 * bound by JNA to the same libvirt.so.0 the bindings load. Signatures: libvirt-domain.h (libvirt 9.0,
 * https://libvirt.org/html/libvirt-libvirt-domain.html). Hand-written because no binding offers them.
 */
interface MissingCalls extends Library {
    /** The one instance, loaded from libvirt.so.0 (package libvirt0). */
    MissingCalls INSTANCE = Native.load("virt", MissingCalls.class);

    /** virDomainSetMemoryFlags: the balloon target in KiB; flags VIR_DOMAIN_AFFECT_*. */
    int virDomainSetMemoryFlags(DomainPointer domain, NativeLong memoryKiB, int flags);

    /** virDomainSetMemoryStatsPeriod: how often (seconds) the guest's balloon driver reports statistics; 0 = never. */
    int virDomainSetMemoryStatsPeriod(DomainPointer domain, int periodSeconds, int flags);

    /** virDomainGetMemoryParameters: memtune as typed parameters; with {@code params} null, sets {@code nparams} to the count. */
    int virDomainGetMemoryParameters(DomainPointer domain, virTypedParameter[] params, IntByReference nparams, int flags);

    /** virDomainSetMemoryParameters: sets the memtune parameters given. */
    int virDomainSetMemoryParameters(DomainPointer domain, virTypedParameter[] params, int nparams, int flags);
}
