package dev.memvisor.qemu.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A scripted QMP peer on a UNIX socket: sends a greeting, then answers each request through a
 * handler. It serves one client at a time, as QEMU's monitor does, and the next one when a client
 * leaves, so a manager can reconnect.
 */
public final class FakeQmpServer implements AutoCloseable {
    /** Answers one request; writes zero or more lines with {@link Conn#send}; may hang up. */
    public interface Handler {
        /** Answers {@code request} on {@code conn}. */
        void handle(JsonNode request, Conn conn) throws IOException;
    }

    /** The server side of one connection. */
    public static final class Conn {
        private final SocketChannel ch;

        Conn(SocketChannel ch) { this.ch = ch; }

        /** Sends one line (CR LF appended, as QEMU ends its messages). */
        public void send(String line) throws IOException {
            sendRaw((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        }

        /** Sends bytes as they are. */
        public void sendRaw(byte[] bytes) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) ch.write(b);
        }

        /** Closes the connection. */
        public void hangUp() throws IOException { ch.close(); }

        /** Whether the connection is open. */
        public boolean open() { return ch.isOpen(); }
    }

    /** QEMU 7.2's greeting. */
    public static final String GREETING = "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}, \"package\": \"\"}, \"capabilities\": []}}";
    static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final ServerSocketChannel server;
    private final Thread thread;

    /** A server on {@code dir/fake.qmp}. */
    public FakeQmpServer(Path dir, String greeting, Handler handler) throws IOException {
        this(greeting, handler, dir.resolve("fake.qmp"));
    }

    /** A server on {@code socket}; {@code greeting} null sends none (a silent peer). */
    public static FakeQmpServer on(Path socket, String greeting, Handler handler) throws IOException {
        return new FakeQmpServer(greeting, handler, socket);
    }

    private FakeQmpServer(String greeting, Handler handler, Path socket) throws IOException {
        path = socket;
        Files.deleteIfExists(path);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        thread = new Thread(() -> serve(greeting, handler), "fake-qmp " + socket.getFileName());
        thread.setDaemon(true);
        thread.start();
    }

    /** A handler answering {@code qmp_capabilities} and handing every other request to {@code rest}. */
    public static Handler answering(Handler rest) {
        return (req, conn) -> {
            if (req.path("execute").asText().equals("qmp_capabilities")) {
                conn.send("{\"return\": {}, \"id\": " + req.get("id") + "}");
            } else {
                rest.handle(req, conn);
            }
        };
    }

    /** The socket's path. */
    public Path path() { return path; }

    private void serve(String greeting, Handler handler) {
        while (server.isOpen()) {
            try (SocketChannel ch = server.accept()) {
                Conn conn = new Conn(ch);
                if (greeting != null) conn.send(greeting);
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
                String line;
                while (ch.isOpen() && (line = in.readLine()) != null) handler.handle(JSON.readTree(line), conn);
            } catch (IOException ignored) {
                // the client or the test hung up; serve the next client, if the server is still open
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        thread.interrupt();
        Files.deleteIfExists(path);
    }
}
