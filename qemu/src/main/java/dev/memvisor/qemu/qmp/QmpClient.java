package dev.memvisor.qemu.qmp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A QEMU Machine Protocol client over a UNIX domain socket: reads the greeting, negotiates
 * capabilities, sends commands with ids and per-command timeouts and delivers asynchronous events
 * to listeners. Thread-safe. Protocol: QEMU docs/interop/qmp-spec.rst.
 */
public final class QmpClient implements AutoCloseable {
    /** The timeout of commands that do not name one, unless {@link #commandTimeout(Duration)} changed it. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /**
     * The longest message taken from a peer: QEMU's largest reply (query-qmp-schema) is well under
     * 1 MiB, so a longer line is a broken or hostile peer, dropped before it fills the heap.
     */
    public static final int MAX_MESSAGE_BYTES = 8 << 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final SocketChannel channel;
    private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<Consumer<QmpEvent>> listeners = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<QmpEvent>> pendingEventWaiters = new CopyOnWriteArrayList<>();
    private final CompletableFuture<JsonNode> greeting = new CompletableFuture<>();
    private final AtomicLong nextId = new AtomicLong();
    private final Object writeLock = new Object();
    private volatile QmpException closedBecause;
    private volatile Duration commandTimeout = DEFAULT_TIMEOUT;

    private QmpClient(Path socket, SocketChannel channel) {
        this.name = socket.toString();
        this.channel = channel;
        Thread reader = new Thread(this::readLoop, "qmp-reader " + socket.getFileName());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Connects to a QMP socket, waits for the greeting and enters command mode.
     *
     * @throws QmpException naming the socket when it is missing, refuses, or the peer is not QMP
     */
    public static QmpClient connect(Path socket, Duration timeout) {
        if (!Files.exists(socket)) throw new QmpClosedException("QMP socket " + socket + " does not exist");
        SocketChannel ch = connectWithin(socket, timeout);
        QmpClient c = new QmpClient(socket, ch);
        try {
            c.awaitGreeting(timeout);
            c.execute("qmp_capabilities", null, timeout);
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /**
     * Connects without blocking past the deadline: QEMU's monitor serves one client at a time with a
     * backlog of one, so a connect to a busy monitor would otherwise wait forever.
     */
    private static SocketChannel connectWithin(Path socket, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            SocketChannel ch = null;
            try {
                ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                ch.configureBlocking(false);
                boolean done = ch.connect(UnixDomainSocketAddress.of(socket));
                if (!done) {
                    try (Selector sel = Selector.open()) {
                        ch.register(sel, SelectionKey.OP_CONNECT);
                        long ms = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                        if (sel.select(ms) == 0) throw new QmpTimeoutException(busy(socket, timeout));
                        ch.finishConnect();
                    }
                }
                ch.configureBlocking(true);
                return ch;
            } catch (IOException e) {
                close(ch);
                boolean again = String.valueOf(e.getMessage()).contains("temporarily unavailable");
                if (!again) throw new QmpClosedException("QMP socket " + socket + ": cannot connect (" + e.getMessage() + ")", e);
                if (System.nanoTime() > deadline) throw new QmpTimeoutException(busy(socket, timeout));
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new QmpException("QMP " + socket + ": interrupted while connecting");
                }
            } catch (RuntimeException e) {
                close(ch);
                throw e;
            }
        }
    }

    private static String busy(Path socket, Duration timeout) {
        return "QMP socket " + socket + ": not accepted within " + timeout.toMillis() + " ms (another client holds the monitor?)";
    }

    private static void close(SocketChannel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing more to release
        }
    }

    /** The socket path this client talks to. */
    public String socket() { return name; }

    /** QEMU's version from the greeting, for example {@code 7.2.0}. */
    public String qemuVersion() {
        JsonNode q = greeting.getNow(JSON.createObjectNode()).path("QMP").path("version").path("qemu");
        return q.path("major").asInt() + "." + q.path("minor").asInt() + "." + q.path("micro").asInt();
    }

    /** Whether the connection is still open. */
    public boolean isOpen() { return closedBecause == null && channel.isOpen(); }

    /** Adds a listener called on the reader thread for every event; it must not block. */
    public void addEventListener(Consumer<QmpEvent> listener) { listeners.add(listener); }

    /** Removes a listener. */
    public void removeEventListener(Consumer<QmpEvent> listener) { listeners.remove(listener); }

    /**
     * Returns a future completed by the next event that matches; register it before causing the event.
     * The future fails with {@link QmpClosedException} if the connection closes first.
     */
    public CompletableFuture<QmpEvent> nextEvent(Predicate<QmpEvent> match) {
        CompletableFuture<QmpEvent> f = new CompletableFuture<>();
        Consumer<QmpEvent> l = new Consumer<>() {
            @Override
            public void accept(QmpEvent e) {
                if (match.test(e) && f.complete(e)) removeEventListener(this);
            }
        };
        addEventListener(l);
        QmpException closed = closedBecause;
        if (closed != null) f.completeExceptionally(closed);
        pendingEventWaiters.add(f);
        // the cleanup stage needs no watching: it only unregisters, and the caller holds f itself
        var unused = f.whenComplete((v, t) -> {
            removeEventListener(l);
            pendingEventWaiters.removeIf(w -> w == f);
        });
        return f;
    }

    /**
     * Sets the timeout of the commands that do not name one (the typed calls below); a manager sets it
     * well under its control interval so a hung QEMU costs only its own VM.
     */
    public QmpClient commandTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("QMP command timeout must be > 0, got " + timeout);
        this.commandTimeout = timeout;
        return this;
    }

    /** Runs a command with this client's command timeout and returns its {@code return} value. */
    public JsonNode execute(String command, Map<String, ?> arguments) {
        return execute(command, arguments, commandTimeout);
    }

    /**
     * Runs a command and returns its {@code return} value.
     *
     * @throws QmpErrorReply        when QEMU answers with an error
     * @throws QmpTimeoutException  when no answer comes within the timeout
     * @throws QmpClosedException   when the socket is or becomes closed
     * @throws QmpProtocolException when the answer is not QMP
     */
    public JsonNode execute(String command, Map<String, ?> arguments, Duration timeout) {
        QmpException closed = closedBecause;
        if (closed != null) throw new QmpClosedException(describe(command) + ": " + closed.getMessage(), closed);
        String id = "mv-" + nextId.incrementAndGet();
        ObjectNode msg = JSON.createObjectNode();
        msg.put("execute", command);
        if (arguments != null && !arguments.isEmpty()) msg.set("arguments", JSON.valueToTree(arguments));
        msg.put("id", id);
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        try {
            send(msg, command);
            return reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new QmpTimeoutException(describe(command) + ": no reply within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QmpException(describe(command) + ": interrupted");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof QmpErrorReply r) throw new QmpErrorReply(name, command, r.errorClass(), r.desc());
            if (c instanceof QmpClosedException) throw new QmpClosedException(describe(command) + ": " + c.getMessage(), c);
            if (c instanceof QmpProtocolException) throw new QmpProtocolException(describe(command) + ": " + c.getMessage());
            throw new QmpException(describe(command) + ": " + c, c);
        } finally {
            pending.remove(id);
        }
    }

    // ---- typed calls ----

    /** Asks the balloon driver to give the guest {@code guestBytes} of memory (inflating or deflating the balloon). */
    public void balloon(long guestBytes) {
        execute("balloon", Map.of("value", guestBytes));
    }

    /** The guest's current memory as the balloon sees it. */
    public BalloonInfo queryBalloon() {
        return new BalloonInfo(execute("query-balloon", null).path("actual").asLong());
    }

    /** Reads a QOM property. */
    public JsonNode qomGet(String path, String property) {
        return execute("qom-get", Map.of("path", path, "property", property));
    }

    /** Writes a QOM property. */
    public void qomSet(String path, String property, Object value) {
        execute("qom-set", Map.of("path", path, "property", property, "value", value));
    }

    /** Lists a QOM path's children and properties as name to type. */
    public Map<String, String> qomList(String path) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (JsonNode p : execute("qom-list", Map.of("path", path))) out.put(p.path("name").asText(), p.path("type").asText());
        return out;
    }

    /**
     * The QOM path of the guest's virtio-balloon device, searched under /machine/peripheral and
     * /machine/peripheral-anon.
     *
     * @throws QmpException naming the socket when the guest has no balloon device
     */
    public String findBalloonPath() {
        for (String root : List.of("/machine/peripheral", "/machine/peripheral-anon")) {
            for (var e : qomList(root).entrySet()) {
                if (e.getValue().startsWith("child<virtio-balloon")) return root + "/" + e.getKey();
            }
        }
        throw new QmpException("QMP " + name + ": the guest has no virtio-balloon device");
    }

    /** Makes the balloon driver report guest statistics every {@code seconds} (0 stops it). */
    public void setGuestStatsPollingInterval(String balloonPath, int seconds) {
        qomSet(balloonPath, "guest-stats-polling-interval", seconds);
    }

    /** The guest's last reported memory statistics. */
    public GuestStats guestStats(String balloonPath) {
        return GuestStats.fromJson(qomGet(balloonPath, "guest-stats"));
    }

    /** The VM's run state, for example {@code running} or {@code paused}. */
    public String queryStatus() {
        return execute("query-status", null).path("status").asText();
    }

    /** Starts an outgoing live migration to {@code uri} (for example {@code tcp:host:port} or {@code exec:cat > file}). */
    public void migrate(String uri) {
        execute("migrate", Map.of("uri", uri));
    }

    /** The state of the current or last migration. */
    public MigrationInfo queryMigrate() {
        JsonNode r = execute("query-migrate", null);
        JsonNode ram = r.path("ram");
        return new MigrationInfo(r.path("status").asText("none"), ram.path("transferred").asLong(0),
                ram.path("remaining").asLong(0), ram.path("total").asLong(0), ram.path("dirty-sync-count").asLong(0),
                r.path("downtime").asLong(-1), r.path("error-desc").asText(""));
    }

    /** Asks QEMU to exit; the socket closes soon after. */
    public void quit() {
        execute("quit", null);
    }

    // ---- connection ----

    private void awaitGreeting(Duration timeout) {
        try {
            JsonNode g = greeting.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!g.has("QMP")) throw new QmpProtocolException("QMP " + name + ": expected a greeting {\"QMP\": ...}, got " + g);
        } catch (TimeoutException e) {
            throw new QmpTimeoutException("QMP " + name + ": no greeting within " + timeout.toMillis() + " ms"
                    + (QmpSocketClients.count(Path.of("/proc/net/unix"), Path.of(name)) > 1 ? "; " + QmpSocketClients.busyHint(Path.of(name)) : ""));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QmpException("QMP " + name + ": interrupted waiting for the greeting");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof QmpException q) throw q;
            throw new QmpException("QMP " + name + ": " + e.getCause(), e.getCause());
        }
    }

    private void send(ObjectNode msg, String command) {
        byte[] bytes;
        try {
            bytes = (JSON.writeValueAsString(msg) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new QmpException(describe(command) + ": cannot encode arguments: " + e.getMessage(), e);
        }
        synchronized (writeLock) {
            try {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) channel.write(buf);
            } catch (IOException e) {
                QmpClosedException c = new QmpClosedException("QMP " + name + ": write failed, QEMU is gone? (" + e.getMessage() + ")", e);
                shutdown(c);
                throw c;
            }
        }
    }

    private void readLoop() {
        try (QmpLineReader in = new QmpLineReader(Channels.newInputStream(channel), MAX_MESSAGE_BYTES, "QMP " + name)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) continue;
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    throw new QmpProtocolException("QMP " + name + ": malformed message: " + abbreviate(line));
                }
                dispatch(node, line);
            }
            shutdown(new QmpClosedException("QMP " + name + ": QEMU closed the connection (exited or died)"));
        } catch (QmpException e) {
            shutdown(e);
        } catch (IOException e) {
            shutdown(new QmpClosedException("QMP " + name + ": connection lost (" + e.getMessage() + ")", e));
        }
    }

    private void dispatch(JsonNode node, String line) {
        if (!node.isObject()) throw new QmpProtocolException("QMP " + name + ": expected a JSON object, got " + abbreviate(line));
        if (!greeting.isDone()) {
            if (!node.has("QMP")) throw new QmpProtocolException("QMP " + name + ": expected a greeting {\"QMP\": ...}, got " + abbreviate(line));
            greeting.complete(node);
            return;
        }
        if (node.has("event")) {
            JsonNode ts = node.path("timestamp");
            QmpEvent ev = new QmpEvent(node.path("event").asText(),
                    node.has("data") ? node.get("data") : JSON.createObjectNode(),
                    ts.path("seconds").asLong() * 1_000_000 + ts.path("microseconds").asLong());
            for (Consumer<QmpEvent> l : listeners) {
                try {
                    l.accept(ev);
                } catch (RuntimeException ignored) {
                    // a listener's failure must not stop the reader; listeners report their own errors
                }
            }
            return;
        }
        String id = node.path("id").asText(null);
        CompletableFuture<JsonNode> f = id == null ? null : pending.get(id);
        if (f == null) {
            if (id != null) return; // the caller timed out and left; a late reply is dropped
            throw new QmpProtocolException("QMP " + name + ": reply without id: " + abbreviate(line));
        }
        if (node.has("return")) f.complete(node.get("return"));
        else if (node.has("error")) {
            JsonNode e = node.get("error");
            f.completeExceptionally(new QmpErrorReply(name, "?", e.path("class").asText("?"), e.path("desc").asText("?")));
        } else {
            throw new QmpProtocolException("QMP " + name + ": reply with neither return nor error: " + abbreviate(line));
        }
    }

    private void shutdown(QmpException why) {
        if (closedBecause == null) closedBecause = why;
        try {
            channel.close();
        } catch (IOException ignored) {
            // already closing
        }
        greeting.completeExceptionally(why);
        pending.values().forEach(f -> f.completeExceptionally(why));
        pendingEventWaiters.forEach(f -> f.completeExceptionally(why));
    }

    private String describe(String command) {
        return "QMP " + name + ": " + command;
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    /** Closes the socket; pending and later commands fail with {@link QmpClosedException}. */
    @Override
    public void close() {
        shutdown(new QmpClosedException("QMP " + name + ": client closed"));
    }
}
