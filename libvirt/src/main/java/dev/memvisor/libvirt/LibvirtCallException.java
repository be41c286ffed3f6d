package dev.memvisor.libvirt;

import org.libvirt.Error;
import org.libvirt.LibvirtException;

/**
 * A libvirt call that failed, with a message naming the URI, the domain and what was asked, then
 * libvirt's own words: {@code libvirt qemu:///system: domain web: set the balloon to 512M (live):
 * Requested operation is not valid: domain is not running}. {@link #kind()} tells a caller whether
 * to wait for the reconnection, forget the domain, or report a refusal.
 */
public final class LibvirtCallException extends RuntimeException {
    /** Why the call failed, as far as a caller acts on it. */
    public enum Kind {
        /** The connection to libvirtd is down (or went down during the call); the client is reconnecting. */
        CONNECTION,
        /** The domain does not exist or is not running (any more). */
        DOMAIN_GONE,
        /** libvirt or the hypervisor does not support this (for example min_guarantee on QEMU, or no balloon device). */
        UNSUPPORTED,
        /** Anything else libvirt refused or failed at. */
        FAILED
    }

    private final Kind kind;
    private final String uri;
    private final String domain;

    LibvirtCallException(Kind kind, String uri, String domain, String what, String why, Throwable cause) {
        super("libvirt " + uri + ": " + (domain == null ? "" : "domain " + domain + ": ") + what + ": " + why, cause);
        this.kind = kind;
        this.uri = uri;
        this.domain = domain;
    }

    /** Wraps a failure of the bindings, classifying libvirt's error code. */
    static LibvirtCallException of(String uri, String domain, String what, LibvirtException e) {
        Error err = e.getError();
        String why = err == null || err.getMessage() == null ? String.valueOf(e.getMessage()) : err.getMessage().trim();
        return new LibvirtCallException(classify(err), uri, domain, what, why, e);
    }

    /** How a caller should read libvirt's error (oVirt MOM reconnects on the same codes: mom/HypervisorInterfaces/libvirtInterface.py). */
    static Kind classify(Error err) {
        if (err == null || err.getCode() == null) return Kind.FAILED;
        switch (err.getCode()) {
            case VIR_ERR_SYSTEM_ERROR: case VIR_ERR_INVALID_CONN: case VIR_ERR_NO_CONNECT: case VIR_ERR_RPC:
                return Kind.CONNECTION;
            case VIR_ERR_NO_DOMAIN: case VIR_ERR_INVALID_DOMAIN:
                return Kind.DOMAIN_GONE;
            case VIR_ERR_OPERATION_INVALID:
                // "domain is not running" is libvirt's answer for a domain that stopped meanwhile
                return err.getMessage() != null && err.getMessage().contains("not running") ? Kind.DOMAIN_GONE : Kind.FAILED;
            case VIR_ERR_NO_SUPPORT: case VIR_ERR_ARGUMENT_UNSUPPORTED: case VIR_ERR_CONFIG_UNSUPPORTED: case VIR_ERR_OPERATION_UNSUPPORTED:
                return Kind.UNSUPPORTED;
            default:
                return Kind.FAILED;
        }
    }

    /** Why it failed. */
    public Kind kind() { return kind; }

    /** The connection's URI. */
    public String uri() { return uri; }

    /** The domain the call was for, or null for a call about the connection. */
    public String domain() { return domain; }
}
