package dev.memvisor.libvirt;

import java.util.ArrayList;
import java.util.List;

/** Records what a {@link LibvirtClient} reports about this JVM's test domains, in order. */
final class RecordingListener implements DomainLifecycleListener {
    private final List<String> events = new ArrayList<>();
    private int disconnects;
    private int reconnects;

    @Override
    public synchronized void started(DomainId d) {
        if (d.name().startsWith(LibvirtDaemon.domainName(""))) events.add("started " + d.name() + " " + d.id());
    }

    @Override
    public synchronized void stopped(DomainId d) {
        if (d.name().startsWith(LibvirtDaemon.domainName(""))) events.add("stopped " + d.name() + " " + d.id());
    }

    @Override
    public synchronized void disconnected(String uri, String reason) {
        disconnects++;
    }

    @Override
    public synchronized void reconnected(String uri) {
        reconnects++;
    }

    /** The events so far. */
    synchronized List<String> events() {
        return List.copyOf(events);
    }

    synchronized int disconnects() { return disconnects; }

    synchronized int reconnects() { return reconnects; }

    /** {@code started NAME ID} as recorded. */
    static String startedLine(DomainId d) { return "started " + d.name() + " " + d.id(); }

    /** {@code stopped NAME ID} as recorded. */
    static String stoppedLine(DomainId d) { return "stopped " + d.name() + " " + d.id(); }
}
