package dev.memvisor.qemu.qmp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.memvisor.qemu.qmp.FakeQmpServer.GREETING;
import static dev.memvisor.qemu.qmp.FakeQmpServer.answering;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The QMP client against a scripted peer: replies, errors, events, malformed data, hang-ups and silence. */
class QmpClientFakeServerTest {
    private static final Duration SHORT = Duration.ofSeconds(5);
    @TempDir Path dir;

    @Test
    void typedCallsParseTheReplies() throws Exception {
        try (var s = new FakeQmpServer(dir, GREETING, answering((req, c) -> {
            String id = req.get("id").toString();
            switch (req.path("execute").asText()) {
                case "query-status" -> c.send("{\"return\": {\"status\": \"running\", \"running\": true}, \"id\": " + id + "}");
                case "query-balloon" -> c.send("{\"return\": {\"actual\": 134217728}, \"id\": " + id + "}");
                case "balloon" -> c.send("{\"return\": {}, \"id\": " + id + "}");
                case "qom-get" -> c.send("{\"return\": {\"stats\": {\"stat-free-memory\": 1000, \"stat-total-memory\": 4000,"
                        + " \"stat-major-faults\": 7, \"stat-swap-in\": -1}, \"last-update\": 1700000000}, \"id\": " + id + "}");
                case "query-migrate" -> c.send("{\"return\": {\"status\": \"active\", \"ram\": {\"transferred\": 10, \"remaining\": 20,"
                        + " \"total\": 30, \"dirty-sync-count\": 2}}, \"id\": " + id + "}");
                default -> c.send("{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"no\"}, \"id\": " + id + "}");
            }
        }));
             var qmp = QmpClient.connect(s.path(), SHORT)) {
            assertThat(qmp.qemuVersion()).isEqualTo("7.2.0");
            assertThat(qmp.queryStatus()).isEqualTo("running");
            assertThat(qmp.queryBalloon().actualBytes()).isEqualTo(134217728L);
            qmp.balloon(64L << 20);
            GuestStats g = qmp.guestStats("/machine/peripheral/balloon0");
            assertThat(g.freeBytes()).isEqualTo(1000);
            assertThat(g.totalBytes()).isEqualTo(4000);
            assertThat(g.majorFaults()).isEqualTo(7);
            assertThat(g.swapInBytes()).isEqualTo(-1);
            assertThat(g.availableBytes()).isEqualTo(-1);
            assertThat(g.reported()).isTrue();
            MigrationInfo m = qmp.queryMigrate();
            assertThat(m.status()).isEqualTo("active");
            assertThat(m.remainingBytes()).isEqualTo(20);
            assertThat(m.dirtySyncCount()).isEqualTo(2);
            assertThat(m.finished()).isFalse();
        }
    }

    @Test
    void anErrorReplyNamesTheCommandAndTheClass() throws Exception {
        try (var s = new FakeQmpServer(dir, GREETING, answering((req, c) ->
                c.send("{\"error\": {\"class\": \"DeviceNotActive\", \"desc\": \"No balloon device has been activated\"}, \"id\": "
                        + req.get("id") + "}")));
             var qmp = QmpClient.connect(s.path(), SHORT)) {
            assertThatThrownBy(() -> qmp.balloon(1 << 20))
                    .isInstanceOfSatisfying(QmpErrorReply.class, e -> assertThat(e.errorClass()).isEqualTo("DeviceNotActive"))
                    .hasMessageContaining("balloon").hasMessageContaining("No balloon device").hasMessageContaining(s.path().toString());
            assertThat(qmp.isOpen()).as("an error reply leaves the connection usable").isTrue();
        }
    }

    @Test
    void eventsReachListenersEvenBetweenARequestAndItsReply() throws Exception {
        try (var s = new FakeQmpServer(dir, GREETING, answering((req, c) -> {
            c.send("{\"event\": \"BALLOON_CHANGE\", \"data\": {\"actual\": 1048576}, \"timestamp\": {\"seconds\": 5, \"microseconds\": 7}}");
            c.send("{\"return\": {}, \"id\": " + req.get("id") + "}");
        }));
             var qmp = QmpClient.connect(s.path(), SHORT)) {
            CompletableFuture<QmpEvent> ev = qmp.nextEvent(e -> e.name().equals("BALLOON_CHANGE"));
            qmp.balloon(1 << 20);
            QmpEvent e = ev.get(5, TimeUnit.SECONDS);
            assertThat(e.data().path("actual").asLong()).isEqualTo(1048576);
            assertThat(e.epochMicros()).isEqualTo(5_000_007L);
        }
    }

    @Test
    void aMalformedReplyClosesTheConnectionWithAProtocolError() throws Exception {
        try (var s = new FakeQmpServer(dir, GREETING, answering((req, c) -> c.send("{\"return\": {\"status\": ")));
             var qmp = QmpClient.connect(s.path(), SHORT)) {
            assertThatThrownBy(qmp::queryStatus).isInstanceOf(QmpProtocolException.class)
                    .hasMessageContaining("malformed").hasMessageContaining("query-status");
            assertThat(qmp.isOpen()).isFalse();
            assertThatThrownBy(qmp::queryStatus).isInstanceOf(QmpClosedException.class);
        }
    }

    @Test
    void aReplyWithNeitherReturnNorErrorIsAProtocolError() throws Exception {
        try (var s = new FakeQmpServer(dir, GREETING, answering((req, c) -> c.send("{\"id\": " + req.get("id") + "}")));
             var qmp = QmpClient.connect(s.path(), SHORT)) {
            assertThatThrownBy(qmp::queryStatus).isInstanceOf(QmpProtocolException.class).hasMessageContaining("neither");
        }
    }

    @Test
    void aHangUpFailsThePendingCommandAtOnce() throws Exception {
        try (var s = new FakeQmpServer(dir, GREETING, answering((req, c) -> c.hangUp()));
             var qmp = QmpClient.connect(s.path(), SHORT)) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> qmp.execute("query-status", null, Duration.ofSeconds(30)))
                    .isInstanceOf(QmpClosedException.class).hasMessageContaining("closed the connection");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void silenceTimesOutWithoutClosing() throws Exception {
        try (var s = new FakeQmpServer(dir, GREETING, answering((req, c) -> { }));
             var qmp = QmpClient.connect(s.path(), SHORT)) {
            assertThatThrownBy(() -> qmp.execute("query-status", null, Duration.ofMillis(300)))
                    .isInstanceOf(QmpTimeoutException.class).hasMessageContaining("300 ms").hasMessageContaining("query-status");
            assertThat(qmp.isOpen()).isTrue();
        }
    }

    /** Issue 11, item 6: a peer that sends a line without end is dropped at the cap, instead of filling the heap. */
    @Test
    void anEndlessLineDropsThePeerAtTheCap() throws Exception {
        byte[] chunk = new byte[1 << 20];
        java.util.Arrays.fill(chunk, (byte) '7');
        try (var s = new FakeQmpServer(dir, GREETING, answering((req, c) -> {
            for (int i = 0; i < 4096 && c.open(); i++) c.sendRaw(chunk); // up to 4 GiB, far past the cap
        }));
             var qmp = QmpClient.connect(s.path(), SHORT)) {
            long heapBefore = usedHeap();
            assertThatThrownBy(() -> qmp.execute("query-status", null, Duration.ofSeconds(30)))
                    .isInstanceOf(QmpProtocolException.class)
                    .hasMessageContaining("longer than " + (QmpClient.MAX_MESSAGE_BYTES >> 20) + " MiB without a line end")
                    .hasMessageContaining(s.path().toString());
            assertThat(qmp.isOpen()).isFalse();
            assertThat(usedHeap() - heapBefore).as("heap grown while reading the endless line").isLessThan(256L << 20);
        }
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    @Test
    void aPeerThatIsNotQmpIsRefused() throws Exception {
        try (var s = new FakeQmpServer(dir, "{\"hello\": 1}", (req, c) -> { })) {
            assertThatThrownBy(() -> QmpClient.connect(s.path(), SHORT)).isInstanceOf(QmpProtocolException.class)
                    .hasMessageContaining("greeting");
        }
    }

    @Test
    void aPeerWithoutGreetingTimesOut() throws Exception {
        try (var s = new FakeQmpServer(dir, null, (req, c) -> { })) {
            assertThatThrownBy(() -> QmpClient.connect(s.path(), Duration.ofMillis(300))).isInstanceOf(QmpTimeoutException.class)
                    .hasMessageContaining("greeting");
        }
    }

    @Test
    void aMissingSocketIsNamed() {
        Path missing = dir.resolve("nobody.qmp");
        assertThatThrownBy(() -> QmpClient.connect(missing, SHORT)).isInstanceOf(QmpClosedException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("does not exist");
    }

    @Test
    void aSocketNobodyListensOnIsRefused() throws Exception {
        Path p;
        try (var s = new FakeQmpServer(dir, GREETING, (req, c) -> { })) {
            p = s.path();
            java.nio.file.Files.deleteIfExists(p);
        }
        java.nio.file.Files.createFile(p);
        assertThatThrownBy(() -> QmpClient.connect(p, SHORT)).isInstanceOf(QmpClosedException.class)
                .hasMessageContaining("cannot connect");
    }

    @Test
    void aMonitorThatNeverAcceptsTimesOutInsteadOfHanging() throws Exception {
        // a bound socket with a backlog that nobody accepts from, like a QEMU monitor busy with another client
        Path p = dir.resolve("busy.qmp");
        try (var server = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            server.bind(java.net.UnixDomainSocketAddress.of(p), 1);
            java.util.List<QmpClient> held = new java.util.ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < 4; i++) {
                try {
                    held.add(QmpClient.connect(p, Duration.ofMillis(500)));
                } catch (QmpTimeoutException e) {
                    assertThat(e).hasMessageContaining(p.toString());
                }
            }
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
            assertThat(held).isEmpty();
        }
    }

    @Test
    void aGuestWithoutBalloonDeviceIsNamed() throws Exception {
        try (var s = new FakeQmpServer(dir, GREETING, answering((req, c) ->
                c.send("{\"return\": [{\"name\": \"type\", \"type\": \"string\"}, {\"name\": \"net0\", \"type\": \"child<virtio-net-pci>\"}], \"id\": "
                        + req.get("id") + "}")));
             var qmp = QmpClient.connect(s.path(), SHORT)) {
            assertThatThrownBy(qmp::findBalloonPath).isInstanceOf(QmpException.class)
                    .hasMessageContaining("no virtio-balloon device").hasMessageContaining(s.path().toString());
        }
    }
}
