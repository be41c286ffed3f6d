package dev.memvisor.libvirt;

/**
 * Receives the start and stop of domains as {@link LibvirtClient} follows them: from libvirt's
 * lifecycle events, and after a reconnection from comparing the domains running then with those
 * known before, so each run is reported started once and stopped once even if libvirtd restarted
 * in between. Called on the client's event thread: return quickly and do not block on libvirt.
 */
public interface DomainLifecycleListener {
    /** A domain run began (or was found running). */
    void started(DomainId domain);

    /** A domain run ended (or was found gone). */
    void stopped(DomainId domain);

    /** The connection to libvirtd was lost; the client reconnects by itself. */
    default void disconnected(String uri, String reason) {}

    /** The client is connected again and has reported every start and stop it missed. */
    default void reconnected(String uri) {}
}
