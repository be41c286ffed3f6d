package dev.memvisor.qemu.manager;

import dev.memvisor.qemu.qmp.FakeQmpServer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A QEMU guest made of a QMP peer that answers as QEMU 7.2 does (a virtio-balloon device, its
 * statistics, query-balloon, balloon) and a process in a {@link FakeProc}: what the manager observes
 * of a real guest, with the guest's memory set by the test. The balloon moves toward its target when
 * the test says so ({@link #settle}), as a guest's driver does over time; the peer can fall silent as
 * a stopped QEMU does.
 */
public final class FakeQemu implements AutoCloseable {
    private static final long PAGE = 4096;

    public final String name;
    public final long pid;
    public final long configuredBytes;
    public final FakeProc proc;
    public final FakeQmpServer server;
    /** Every value QEMU was sent with the balloon command, in order. */
    public final List<Long> balloonCommands = new CopyOnWriteArrayList<>();
    private volatile long actual;
    private volatile long target;
    private volatile long used;
    private volatile long referenced;
    private volatile boolean silent;

    /**
     * A guest of {@code configuredBytes} using {@code usedBytes} of them, with its socket under {@code dir}.
     */
    public FakeQemu(FakeProc proc, Path dir, String name, long pid, long configuredBytes, long usedBytes) throws IOException {
        this.name = name;
        this.pid = pid;
        this.configuredBytes = configuredBytes;
        this.proc = proc;
        this.actual = configuredBytes;
        this.target = configuredBytes;
        this.used = usedBytes;
        this.server = FakeQmpServer.on(dir.resolve(name + ".qmp"), FakeQmpServer.GREETING, FakeQmpServer.answering((req, c) -> {
            if (silent) return;
            String id = req.get("id").toString();
            String reply = switch (req.path("execute").asText()) {
                case "qom-list" -> "[{\"name\": \"type\", \"type\": \"string\"}, {\"name\": \"balloon0\", \"type\": \"child<virtio-balloon-pci>\"}]";
                case "qom-get" -> "{\"stats\": {\"stat-free-memory\": " + Math.max(0, actual - used) + ", \"stat-total-memory\": " + actual
                        + ", \"stat-available-memory\": " + Math.max(0, actual - used) + "}, \"last-update\": " + System.currentTimeMillis() / 1000 + "}";
                case "query-balloon" -> "{\"actual\": " + actual + "}";
                case "query-memory-size-summary" -> "{\"base-memory\": " + configuredBytes + "}";
                case "balloon" -> {
                    long v = req.path("arguments").path("value").asLong();
                    balloonCommands.add(v);
                    target = v / PAGE * PAGE;
                    yield "{}";
                }
                default -> "{}";
            };
            c.send("{\"return\": " + reply + ", \"id\": " + id + "}");
        }));
        proc.qemu(pid, server.path(), residentBytes(), referenced);
    }

    /** Its QMP socket. */
    public Path socket() { return server.path(); }

    /** The VM's host.yaml entry. */
    public VmConfig config(long reservationBytes) {
        return new VmConfig(name, socket(), configuredBytes, reservationBytes, -1, "normal", true);
    }

    /** What the guest's QEMU holds: what the guest uses, at most what its balloon leaves it. */
    public long residentBytes() {
        return Math.min(used, actual);
    }

    /** The guest now uses this much (its QEMU's resident memory follows). */
    public void use(long bytes) {
        used = bytes;
        publish();
    }

    /** The guest touched this much since the manager last cleared the referenced bits. */
    public void touched(long bytes) {
        referenced = bytes;
        publish();
    }

    /** The balloon driver moves the guest's memory toward the target by at most {@code maxStepBytes}. */
    public void settle(long maxStepBytes) {
        long a = actual, t = target;
        actual = a > t ? Math.max(t, a - maxStepBytes) : Math.min(t, a + maxStepBytes);
        publish();
    }

    /** The guest's memory as query-balloon reports it. */
    public long actualBytes() { return actual; }

    /** The QEMU stops answering (as with kill -STOP), or answers again; its process stays. */
    public void silent(boolean on) {
        silent = on;
    }

    private long publishedRss = -1, publishedReferenced = -1;

    /** Writes the process's files when what they say changed (a test steps many times). */
    private synchronized void publish() {
        long rss = residentBytes();
        if (rss != publishedRss) proc.rss(pid, rss);
        if (referenced != publishedReferenced) proc.referenced(pid, referenced);
        publishedRss = rss;
        publishedReferenced = referenced;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
