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

/** A scripted QMP peer on a UNIX socket: sends a greeting, then answers each request through a handler. */
final class FakeQmpServer implements AutoCloseable {
    /** Answers one request; writes zero or more lines with {@link Conn#send}; may hang up. */
    interface Handler {
        void handle(JsonNode request, Conn conn) throws IOException;
    }

    /** The server side of the one connection. */
    static final class Conn {
        private final SocketChannel ch;

        Conn(SocketChannel ch) { this.ch = ch; }

        void send(String line) throws IOException {
            ByteBuffer b = ByteBuffer.wrap((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) ch.write(b);
        }

        void hangUp() throws IOException { ch.close(); }
    }

    static final String GREETING = "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}, \"package\": \"\"}, \"capabilities\": []}}";
    static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final ServerSocketChannel server;
    private final Thread thread;

    FakeQmpServer(Path dir, String greeting, Handler handler) throws IOException {
        path = dir.resolve("fake.qmp");
        Files.deleteIfExists(path);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        thread = new Thread(() -> serve(greeting, handler), "fake-qmp");
        thread.setDaemon(true);
        thread.start();
    }

    /** A server whose requests all get {@code {"return": {}}} except those the handler answers. */
    static Handler answering(Handler rest) {
        return (req, conn) -> {
            if (req.path("execute").asText().equals("qmp_capabilities")) {
                conn.send("{\"return\": {}, \"id\": " + req.get("id") + "}");
            } else {
                rest.handle(req, conn);
            }
        };
    }

    Path path() { return path; }

    private void serve(String greeting, Handler handler) {
        try (SocketChannel ch = server.accept()) {
            Conn conn = new Conn(ch);
            if (greeting != null) conn.send(greeting);
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            String line;
            while (ch.isOpen() && (line = in.readLine()) != null) handler.handle(JSON.readTree(line), conn);
        } catch (IOException ignored) {
            // the client or the test hung up
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        thread.interrupt();
        Files.deleteIfExists(path);
    }
}
