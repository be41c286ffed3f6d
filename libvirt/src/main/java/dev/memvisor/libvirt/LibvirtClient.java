package dev.memvisor.libvirt;

import com.sun.jna.NativeLong;
import com.sun.jna.ptr.IntByReference;
import dev.memvisor.core.unit.Size;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainInfo;
import org.libvirt.LibvirtException;
import org.libvirt.MemvisorAccess;
import org.libvirt.event.ConnectionCloseListener;
import org.libvirt.event.ConnectionCloseReason;
import org.libvirt.event.DomainEvent;
import org.libvirt.event.DomainEventType;
import org.libvirt.event.LifecycleListener;
import org.libvirt.jna.virTypedParameter;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * memvisor's client of one libvirt connection ({@code qemu:///system} by default): which domains
 * run, and per domain what a memory manager reads (memory, balloon statistics, memtune, the balloon
 * and virtio-mem devices and memvisor's metadata, the QEMU pid) and writes (the balloon with the live
 * flag, the virtio-mem device's requested size, the statistics period, memtune, the metadata). Nothing here decides anything.
 * <p>
 * It follows domains through libvirt's lifecycle events on an event loop thread it owns
 * ({@link LibvirtEventLoop}), reports each run's start and stop once to its
 * {@link DomainLifecycleListener}, and reconnects by itself when libvirtd goes away (close callback
 * or a call failing on the connection), then reports whatever started or stopped meanwhile.
 * <p>
 * Thread-safe: calls may come from any thread. A call against a domain looks it up by UUID, checks
 * it is still the same run, acts, and frees the handle; every failure is a
 * {@link LibvirtCallException} naming the URI, the domain and what was asked.
 * Uses libvirt-java 0.5.3 where it has the call, and {@link MissingCalls} where it has not.
 */
public final class LibvirtClient implements AutoCloseable {
    /** libvirt's system QEMU driver: the domains of virsh, virt-manager, oVirt and OpenStack. */
    public static final String SYSTEM_URI = "qemu:///system";
    /** Keepalive: a probe every 5 s, the connection declared dead after 3 unanswered (a hung libvirtd in about 20 s). */
    static final int KEEPALIVE_INTERVAL_S = 5;
    static final int KEEPALIVE_COUNT = 3;
    /** VIR_DOMAIN_AFFECT_LIVE: change the running domain only, not its persistent definition. */
    private static final int AFFECT_LIVE = 1;
    /** VIR_DOMAIN_AFFECT_CONFIG. */
    private static final int AFFECT_CONFIG = 2;
    /** VIR_TYPED_PARAM_ULLONG: the type of every memtune parameter. */
    private static final int TYPED_PARAM_ULLONG = 4;
    /** Reconnection back-off: first try after 250 ms, doubling to at most 5 s. */
    private static final long RECONNECT_FIRST_MS = 250;
    private static final long RECONNECT_MAX_MS = 5000;

    private final String uri;
    private final boolean local;
    private final DomainLifecycleListener listener;
    private final Consumer<String> log;
    private final Path procRoot;
    private final ScheduledExecutorService reconnector;
    private final Object lock = new Object();
    // guarded by lock: the domain runs known to the listener, by UUID; events held back during a resync
    private final Map<String, DomainId> known = new LinkedHashMap<>();
    private List<Runnable> heldEvents;
    private final Map<String, long[]> pids = new ConcurrentHashMap<>();
    private final LifecycleListener lifecycle = this::onLifecycle;
    private final ConnectionCloseListener onClose = this::onClose;
    private volatile Connect conn;
    private volatile boolean closed;
    private long downSinceNanos;
    private int failedAttempts;

    private LibvirtClient(String uri, DomainLifecycleListener listener, Consumer<String> log, Path procRoot) {
        this.uri = uri;
        this.local = isLocal(uri);
        this.listener = listener;
        this.log = log;
        this.procRoot = procRoot;
        this.reconnector = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "memvisor-libvirt-reconnect");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Connects to {@code uri}, starts following domain events, and reports every domain running now
     * to {@code listener} as started before returning.
     *
     * @param log receives one line per connection change (lost, reconnected), for stderr or the journal
     * @throws LibvirtCallException (kind CONNECTION) when libvirtd cannot be reached now, or libvirt.so.0 is missing
     */
    public static LibvirtClient open(String uri, DomainLifecycleListener listener, Consumer<String> log) {
        return open(uri, listener, log, Path.of("/proc"));
    }

    /** As {@link #open(String, DomainLifecycleListener, Consumer)}, reading QEMU processes under {@code procRoot}. */
    static LibvirtClient open(String uri, DomainLifecycleListener listener, Consumer<String> log, Path procRoot) {
        LibvirtClient c = new LibvirtClient(uri, listener, log, procRoot);
        try {
            LibvirtEventLoop.acquire(log);
        } catch (LibvirtException e) {
            c.reconnector.shutdownNow();
            throw LibvirtCallException.of(uri, null, "start libvirt's event loop", e);
        } catch (LinkageError e) {
            c.reconnector.shutdownNow();
            throw new LibvirtCallException(LibvirtCallException.Kind.CONNECTION, uri, null, "load libvirt.so.0",
                    e + " (install the libvirt0 package)", e);
        }
        try {
            Connect k = c.connect();
            c.conn = k;
            c.resync(k);
            return c;
        } catch (LibvirtException e) {
            c.close();
            throw LibvirtCallException.of(uri, null, "connect", e);
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** The connection's URI. */
    public String uri() {
        return uri;
    }

    /** Whether the client is connected now (false while it reconnects). */
    public boolean connected() {
        return conn != null;
    }

    /** The domain runs reported started and not yet stopped, as the listener saw them. */
    public List<DomainId> knownDomains() {
        synchronized (lock) {
            return List.copyOf(known.values());
        }
    }

    // ---- observe side -------------------------------------------------------------------------

    /** The domains running now, asked of libvirt (virConnectListDomains). */
    public List<DomainId> runningDomains() {
        Connect c = connection("list running domains");
        try {
            return list(c);
        } catch (LibvirtException e) {
            throw failed(c, null, "list running domains", e);
        }
    }

    /** The domain's maximum and current memory (virDomainGetInfo). */
    public DomainMemory memory(DomainId d) {
        return call(d, "read its memory (virDomainGetInfo)", dom -> {
            DomainInfo i = dom.getInfo();
            return new DomainMemory(i.maxMem * 1024, i.memory * 1024);
        });
    }

    /** The balloon's and the guest's memory statistics (virDomainMemoryStats, as {@code virsh dommemstat}). */
    public BalloonStats balloonStats(DomainId d) {
        return call(d, "read its memory statistics (virDomainMemoryStats)", dom -> BalloonStats.of(dom.memoryStats(BalloonStats.TAGS)));
    }

    /** The balloon device, its statistics period, the virtio-mem device and memvisor's metadata, from the live domain XML. */
    public DomainXml domainXml(DomainId d) {
        String xml = call(d, "read its XML (virDomainGetXMLDesc)", dom -> dom.getXMLDesc(0));
        try {
            return DomainXml.parse(xml);
        } catch (IllegalArgumentException e) {
            throw new LibvirtCallException(LibvirtCallException.Kind.FAILED, uri, d.name(), "read its XML", e.getMessage(), e);
        }
    }

    /** The domain's live memtune (virDomainGetMemoryParameters). */
    public MemTune memtune(DomainId d) {
        return call(d, "read memtune (virDomainGetMemoryParameters)", dom -> {
            var ptr = MemvisorAccess.pointer(dom);
            IntByReference n = new IntByReference(0);
            MemvisorAccess.check(MissingCalls.INSTANCE.virDomainGetMemoryParameters(ptr, null, n, AFFECT_LIVE));
            MemTune t = MemTune.UNCHANGED;
            if (n.getValue() == 0) return t;
            virTypedParameter[] params = (virTypedParameter[]) new virTypedParameter().toArray(n.getValue());
            MemvisorAccess.check(MissingCalls.INSTANCE.virDomainGetMemoryParameters(ptr, params, n, AFFECT_LIVE));
            for (int p = 0; p < n.getValue(); p++) {
                String name = fieldName(params[p]);
                for (int i = 0; i < MemTune.NAMES.length; i++) {
                    if (MemTune.NAMES[i].equals(name) && params[p].type == TYPED_PARAM_ULLONG) t = t.with(i, MemTune.fromKib(params[p].value.l));
                }
            }
            return t;
        });
    }

    /**
     * The pid of the domain's QEMU, for /proc and cgroup reads; empty for a remote URI or when the
     * process is not visible. Cached per run and checked against the process's command line.
     */
    public OptionalLong qemuPid(DomainId d) {
        if (!local) return OptionalLong.empty();
        long[] cached = pids.get(d.uuid());
        if (cached != null && cached[0] == d.id() && QemuPidFinder.hasUuid(procRoot, cached[1], d.uuid())) return OptionalLong.of(cached[1]);
        OptionalLong pid = QemuPidFinder.find(procRoot, d.uuid());
        pid.ifPresent(p -> pids.put(d.uuid(), new long[] {d.id(), p}));
        return pid;
    }

    // ---- apply side ---------------------------------------------------------------------------

    /**
     * Sets the guest's memory to {@code bytes} (the balloon holds the rest of its maximum), on the
     * running domain only (virDomainSetMemoryFlags with VIR_DOMAIN_AFFECT_LIVE, as {@code virsh setmem --live}).
     * libvirt sets it in KiB; {@code bytes} is rounded down to a KiB.
     */
    public void setCurrentMemory(DomainId d, long bytes) {
        if (bytes <= 0) throw new IllegalArgumentException("domain " + d.name() + ": current memory must be > 0, got " + bytes);
        call(d, "set the balloon so the guest has " + Size.format(bytes) + " (virDomainSetMemoryFlags, live)", dom ->
                MemvisorAccess.check(MissingCalls.INSTANCE.virDomainSetMemoryFlags(MemvisorAccess.pointer(dom), new NativeLong(bytes / 1024), AFFECT_LIVE)));
    }

    /**
     * Asks the domain's virtio-mem device to plug {@code bytes} (whole blocks within its region), on the
     * running domain only: the device's live element with a new {@code <requested>} through
     * virDomainUpdateDeviceFlags with VIR_DOMAIN_AFFECT_LIVE, as {@code virsh update-memory-device --live
     * --requested-size} does (libvirt >= 7.9). The guest plugs or unplugs toward it at its own pace.
     */
    public void setVirtioMemRequested(DomainId d, VirtioMemDevice device, long bytes) {
        String xml = device.withRequested(bytes);
        call(d, "ask its virtio-mem device" + (device.alias().isEmpty() ? "" : " " + device.alias()) + " to plug " + Size.format(bytes)
                + " (virDomainUpdateDeviceFlags, live)", dom -> dom.updateDeviceFlags(xml, AFFECT_LIVE));
    }

    /** Sets how often the guest's balloon driver reports statistics, live (virDomainSetMemoryStatsPeriod). */
    public void setStatsPeriod(DomainId d, int seconds) {
        if (seconds < 0) throw new IllegalArgumentException("domain " + d.name() + ": stats period must be >= 0, got " + seconds);
        call(d, "set the balloon statistics period to " + seconds + " s (virDomainSetMemoryStatsPeriod, live)", dom ->
                MemvisorAccess.check(MissingCalls.INSTANCE.virDomainSetMemoryStatsPeriod(MemvisorAccess.pointer(dom), seconds, AFFECT_LIVE)));
    }

    /**
     * Sets the statistics period to {@code seconds} when it is 0 (libvirt's default, under which the
     * guest reports nothing): oVirt MOM (libvirtInterface.py startVmMemoryStats) and CloudStack
     * (pull request 6358, vm.memballoon.stats.period) learned to set it themselves. A period an
     * operator chose is left alone. Returns whether it was set.
     */
    public boolean ensureStatsPeriod(DomainId d, int seconds) {
        if (seconds <= 0) throw new IllegalArgumentException("domain " + d.name() + ": stats period must be > 0, got " + seconds);
        DomainXml x = domainXml(d);
        if (!x.hasBalloon() || x.statsPeriodSeconds() > 0) return false;
        setStatsPeriod(d, seconds);
        return true;
    }

    /**
     * Sets the memtune parameters of {@code change} that are not {@link MemTune#ABSENT}, live
     * (virDomainSetMemoryParameters); libvirt writes them to the domain's memory cgroup.
     */
    public void setMemtune(DomainId d, MemTune change) {
        List<Integer> set = new ArrayList<>();
        for (int i = 0; i < MemTune.NAMES.length; i++) if (change.get(i) != MemTune.ABSENT) set.add(i);
        if (set.isEmpty()) return;
        call(d, "set " + change + " (virDomainSetMemoryParameters, live)", dom -> {
            virTypedParameter[] params = (virTypedParameter[]) new virTypedParameter().toArray(set.size());
            for (int p = 0; p < set.size(); p++) {
                int i = set.get(p);
                byte[] name = MemTune.NAMES[i].getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(name, 0, params[p].field, 0, name.length);
                params[p].type = TYPED_PARAM_ULLONG;
                params[p].value.setType(long.class);
                params[p].value.l = MemTune.toKib(change.get(i));
            }
            return MemvisorAccess.check(MissingCalls.INSTANCE.virDomainSetMemoryParameters(MemvisorAccess.pointer(dom), params, params.length, AFFECT_LIVE));
        });
    }

    /**
     * Writes memvisor's metadata into the domain (virDomainSetMetadata): live, and into its
     * persistent definition too when it has one; {@link MemvisorMetadata#NONE} removes it.
     */
    public void setMetadata(DomainId d, MemvisorMetadata m) {
        call(d, "set memvisor's metadata (virDomainSetMetadata)", dom -> {
            int flags = AFFECT_LIVE | (dom.isPersistent() == 1 ? AFFECT_CONFIG : 0);
            dom.setMetadata(Domain.MetadataType.ELEMENT, m.isEmpty() ? null : m.toBareXml(), MemvisorMetadata.PREFIX, MemvisorMetadata.NAMESPACE, flags);
            return null;
        });
    }

    // ---- connection ---------------------------------------------------------------------------

    /** Stops following events, closes the connection and stops the event loop if no other client uses it. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        reconnector.shutdownNow();
        try {
            reconnector.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Connect c = conn;
        conn = null;
        if (c != null) dispose(c);
        LibvirtEventLoop.release(Duration.ofSeconds(10));
    }

    /** A new connection with the close callback, lifecycle events and keepalive registered. */
    private Connect connect() throws LibvirtException {
        Connect c = new Connect(uri);
        try {
            c.registerCloseListener(onClose);
            c.addLifecycleListener(lifecycle);
            try {
                c.setKeepAlive(KEEPALIVE_INTERVAL_S, KEEPALIVE_COUNT);
            } catch (LibvirtException e) {
                // a driver without a daemon (test:///default) has no connection to keep alive
                if (LibvirtCallException.classify(e.getError()) != LibvirtCallException.Kind.UNSUPPORTED) throw e;
            }
            return c;
        } catch (LibvirtException | RuntimeException e) {
            dispose(c);
            throw e;
        }
    }

    /** Lists the domains running on {@code c}, skipping any that stop between the list and the lookup. */
    private static List<DomainId> list(Connect c) throws LibvirtException {
        List<DomainId> out = new ArrayList<>();
        for (int id : c.listDomains()) {
            Domain dom;
            try {
                dom = c.domainLookupByID(id);
            } catch (LibvirtException e) {
                if (LibvirtCallException.classify(e.getError()) == LibvirtCallException.Kind.DOMAIN_GONE) continue;
                throw e;
            }
            try {
                out.add(new DomainId(dom.getName(), dom.getUUIDString(), dom.getID()));
            } finally {
                free(dom);
            }
        }
        return out;
    }

    /**
     * Brings the known runs in line with what runs on {@code c}, reporting the differences; events
     * that arrive meanwhile (registered before the list was taken) are applied after, in order.
     */
    private void resync(Connect c) throws LibvirtException {
        synchronized (lock) {
            heldEvents = new ArrayList<>();
        }
        List<DomainId> now;
        try {
            now = list(c);
        } catch (LibvirtException | RuntimeException e) {
            synchronized (lock) {
                heldEvents = null;
            }
            throw e;
        }
        synchronized (lock) {
            Map<String, DomainId> running = new HashMap<>();
            for (DomainId d : now) running.put(d.uuid(), d);
            for (DomainId d : List.copyOf(known.values())) {
                DomainId r = running.get(d.uuid());
                if (r == null || r.id() != d.id()) stopped(d);
            }
            for (DomainId d : now) if (!known.containsKey(d.uuid())) started(d);
            List<Runnable> held = heldEvents;
            heldEvents = null;
            held.forEach(Runnable::run);
        }
    }

    /** The bindings' lifecycle callback, on the event loop thread: only local calls (name, UUID, id) here. */
    private int onLifecycle(Domain dom, DomainEvent event) {
        DomainEventType type = event.getType();
        if (type != DomainEventType.STARTED && type != DomainEventType.STOPPED) return 0;
        DomainId d;
        try {
            d = new DomainId(dom.getName(), dom.getUUIDString(), dom.getID());
        } catch (LibvirtException e) {
            log.accept("libvirt " + uri + ": a " + type + " event whose domain could not be read: " + e.getMessage());
            return 0;
        }
        Runnable apply = type == DomainEventType.STARTED ? () -> {
            DomainId old = known.get(d.uuid());
            if (old != null && old.id() == d.id()) return;
            if (old != null) stopped(old);
            started(d);
        } : () -> {
            DomainId old = known.get(d.uuid());
            if (old != null) stopped(old);
        };
        synchronized (lock) {
            if (heldEvents != null) heldEvents.add(apply);
            else apply.run();
        }
        return 0;
    }

    private void started(DomainId d) {
        known.put(d.uuid(), d);
        try {
            listener.started(d);
        } catch (RuntimeException e) {
            log.accept("libvirt " + uri + ": the listener failed on the start of " + d + ": " + e);
        }
    }

    private void stopped(DomainId d) {
        known.remove(d.uuid());
        pids.remove(d.uuid());
        try {
            listener.stopped(d);
        } catch (RuntimeException e) {
            log.accept("libvirt " + uri + ": the listener failed on the stop of " + d + ": " + e);
        }
    }

    /** The bindings' close callback (libvirtd exited, the socket broke, or keepalive gave up). */
    private void onClose(Connect c, ConnectionCloseReason reason) {
        lost(c, "connection closed (" + reason + ")");
    }

    /** Marks {@code c} lost, once, and starts reconnecting. */
    @SuppressWarnings("ReferenceEquality") // identity: is c still the connection in use, not an equal one
    private void lost(Connect c, String why) {
        synchronized (lock) {
            if (closed || c == null || conn != c) return;
            conn = null;
            downSinceNanos = System.nanoTime();
            failedAttempts = 0;
        }
        log.accept("libvirt " + uri + ": " + why + "; reconnecting");
        try {
            listener.disconnected(uri, why);
        } catch (RuntimeException e) {
            log.accept("libvirt " + uri + ": the listener failed on the disconnection: " + e);
        }
        reconnector.execute(() -> dispose(c));
        schedule(RECONNECT_FIRST_MS);
    }

    private void schedule(long delayMs) {
        if (closed) return;
        try {
            var unused = reconnector.schedule(() -> reconnect(delayMs), delayMs, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    private void reconnect(long lastDelayMs) {
        if (closed) return;
        Connect k = null;
        try {
            k = connect();
            resync(k);
        } catch (LibvirtException | RuntimeException e) {
            if (k != null) dispose(k);
            if (failedAttempts++ == 0) log.accept("libvirt " + uri + ": cannot reconnect yet (" + firstLine(e.getMessage()) + "); retrying every " + RECONNECT_MAX_MS / 1000 + " s at most");
            schedule(Math.min(RECONNECT_MAX_MS, lastDelayMs * 2));
            return;
        }
        synchronized (lock) {
            if (closed) {
                dispose(k);
                return;
            }
            conn = k;
        }
        log.accept(String.format(java.util.Locale.ROOT, "libvirt %s: reconnected after %.1f s; %d domains running",
                uri, (System.nanoTime() - downSinceNanos) / 1e9, knownDomains().size()));
        try {
            listener.reconnected(uri);
        } catch (RuntimeException e) {
            log.accept("libvirt " + uri + ": the listener failed on the reconnection: " + e);
        }
    }

    /** Deregisters and closes a connection, whatever state it is in (a dead one refuses some steps). */
    private void dispose(Connect c) {
        try {
            c.removeLifecycleListener(lifecycle);
        } catch (LibvirtException | RuntimeException e) {
            // the daemon is gone: nothing to deregister from
        }
        try {
            c.unregisterCloseListener();
        } catch (LibvirtException | RuntimeException e) {
            // likewise
        }
        try {
            c.close();
        } catch (LibvirtException | RuntimeException e) {
            // the connection is released either way
        }
    }

    private Connect connection(String what) {
        Connect c = conn;
        if (c == null) {
            throw new LibvirtCallException(LibvirtCallException.Kind.CONNECTION, uri, null, what,
                    closed ? "the client is closed" : "not connected to libvirtd; reconnecting", null);
        }
        return c;
    }

    /** A call on one domain run: looked up by UUID, checked to be the same run, freed after. */
    private <T> T call(DomainId d, String what, DomainCall<T> f) {
        Connect c = connection(what);
        Domain dom = null;
        try {
            dom = c.domainLookupByUUIDString(d.uuid());
            int id = dom.getID();
            if (id != d.id()) {
                throw new LibvirtCallException(LibvirtCallException.Kind.DOMAIN_GONE, uri, d.name(), what,
                        id < 0 ? "the domain is not running" : "the domain was restarted (run " + d.id() + " ended, now run " + id + ")", null);
            }
            return f.apply(dom);
        } catch (LibvirtException e) {
            throw failed(c, d.name(), what, e);
        } finally {
            if (dom != null) free(dom);
        }
    }

    /** Wraps a failure; one on the connection also starts the reconnection (its close callback may come later or never). */
    private LibvirtCallException failed(Connect c, String domain, String what, LibvirtException e) {
        LibvirtCallException x = LibvirtCallException.of(uri, domain, what, e);
        if (x.kind() == LibvirtCallException.Kind.CONNECTION && !alive(c)) lost(c, "a call failed: " + firstLine(x.getMessage()));
        return x;
    }

    private static boolean alive(Connect c) {
        try {
            return c.isAlive();
        } catch (LibvirtException | RuntimeException e) {
            return false;
        }
    }

    private static void free(Domain d) {
        try {
            d.free();
        } catch (LibvirtException e) {
            // a handle of a dead connection: nothing left to free
        }
    }

    private static String fieldName(virTypedParameter p) {
        int n = 0;
        while (n < p.field.length && p.field[n] != 0) n++;
        return new String(p.field, 0, n, StandardCharsets.US_ASCII);
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }

    /** Whether a URI names this host's hypervisor (no host part), so its QEMU processes are visible here. */
    static boolean isLocal(String uri) {
        try {
            String host = URI.create(uri).getHost();
            return host == null || host.isEmpty();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** One call on a looked-up domain. */
    @FunctionalInterface
    private interface DomainCall<T> {
        T apply(Domain d) throws LibvirtException;
    }
}
