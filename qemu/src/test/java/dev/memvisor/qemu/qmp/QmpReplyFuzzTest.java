package dev.memvisor.qemu.qmp;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11, item 12: QMP replies fuzzed. Whatever a peer answers (garbage, JSON of the wrong shape, an
 * error without a class, numbers out of range, a binary blob, an answer with another id, nothing at
 * all, a hang-up), each typed call gives a result or one of the documented {@link QmpException}s,
 * within its timeout: never another exception and never a hang. The greeting is fuzzed the same way.
 */
class QmpReplyFuzzTest {
    private static final Duration TIMEOUT = Duration.ofMillis(400);
    /** How long a call may take at most: its timeout and generous slack for a loaded machine. */
    private static final long BOUND_MS = 5_000;  // a call waits at most TIMEOUT (the greeting, then the command)
    private static Path dir;
    /** The reply the fake peer sends to the next request; {@code %ID%} becomes the request's id. */
    private static final AtomicReference<String> reply = new AtomicReference<>("");
    private static FakeQmpServer server;

    @BeforeContainer
    static void start() throws IOException {
        dir = Files.createTempDirectory("memvisor-qmpfuzz");
        server = new FakeQmpServer(dir, FakeQmpServer.GREETING, FakeQmpServer.answering((req, c) -> {
            String r = reply.get();
            if (r.equals("HANGUP")) {
                c.hangUp();
            } else if (!r.equals("SILENCE")) {
                c.sendRaw(r.replace("%ID%", req.get("id").toString()).getBytes(StandardCharsets.ISO_8859_1));
            }
        }));
    }

    @AfterContainer
    static void stop() throws IOException {
        server.close();
        Files.deleteIfExists(dir);
    }

    @Property(tries = 300)
    void everyTypedCallGivesAResultOrADocumentedError(@ForAll("replies") String answer, @ForAll("calls") Call call) {
        reply.set(answer);
        long start = System.nanoTime();
        try (QmpClient qmp = QmpClient.connect(server.path(), TIMEOUT)) {
            Object unused = call.run.apply(qmp.commandTimeout(TIMEOUT)); // any result will do: the property is about what else can happen
        } catch (QmpException expected) {
            assertThat(expected.getMessage()).as("the error says what went wrong").isNotBlank();
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(ms).as("%s answered by %s took %d ms", call.name, answer, ms).isLessThan(BOUND_MS);
    }

    @Property(tries = 150)
    void aFuzzedGreetingIsAcceptedOrRefusedWithADocumentedError(@ForAll("greetings") String greeting) throws IOException {
        long start = System.nanoTime();
        try (FakeQmpServer peer = FakeQmpServer.on(dir.resolve("greeting.qmp"), greeting, FakeQmpServer.answering((req, c) -> c.hangUp()))) {
            try (QmpClient qmp = QmpClient.connect(peer.path(), TIMEOUT)) {
                assertThat(qmp.qemuVersion()).isNotNull();
            } catch (QmpException expected) {
                assertThat(expected.getMessage()).as("the error names the socket").contains("greeting.qmp");
            }
        }
        assertThat((System.nanoTime() - start) / 1_000_000).as("greeting %s", greeting).isLessThan(BOUND_MS);
    }

    record Call(String name, Function<QmpClient, Object> run) {
        @Override public String toString() { return name; }
    }

    @Provide
    Arbitrary<Call> calls() {
        return Arbitraries.of(List.of(
                new Call("query-balloon", QmpClient::queryBalloon),
                new Call("query-status", QmpClient::queryStatus),
                new Call("query-migrate", QmpClient::queryMigrate),
                new Call("qom-list", q -> q.qomList("/machine/peripheral")),
                new Call("find-balloon", QmpClient::findBalloonPath),
                new Call("guest-stats", q -> q.guestStats("/machine/peripheral/balloon0")),
                new Call("balloon", q -> { q.balloon(64L << 20); return null; })));
    }

    @Provide
    Arbitrary<String> replies() {
        Arbitrary<String> value = jsonValues();
        Arbitrary<String> shaped = Combinators.combine(Arbitraries.of("return", "error", "event", "QMP", "id", "retrun"), value,
                Arbitraries.of("%ID%", "\"other\"", "null", "1e400", "-1"))
                .as((key, v, id) -> "{\"" + key + "\": " + v + ", \"id\": " + id + "}\r\n");
        Arbitrary<String> typed = Combinators.combine(Arbitraries.of(
                        "{\"actual\": %s}", "{\"status\": %s, \"running\": true}", "{\"status\": \"active\", \"ram\": %s}",
                        "[{\"name\": %s, \"type\": \"child<virtio-balloon-pci>\"}]", "{\"stats\": %s, \"last-update\": %s}",
                        "{\"class\": %s, \"desc\": %s}"), value)
                .as((shape, v) -> "{\"return\": " + shape.replace("%s", v) + ", \"id\": %ID%}\r\n");
        Arbitrary<String> errors = value.map(v -> "{\"error\": " + v + ", \"id\": %ID%}\r\n");
        Arbitrary<String> garbage = Arbitraries.strings().all().ofMaxLength(200).map(s -> s + "\n");
        Arbitrary<String> binary = Arbitraries.bytes().array(byte[].class).ofMaxSize(300)
                .map(b -> new String(b, StandardCharsets.ISO_8859_1));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, shaped), net.jqwik.api.Tuple.of(5, typed), net.jqwik.api.Tuple.of(2, errors),
                net.jqwik.api.Tuple.of(2, garbage), net.jqwik.api.Tuple.of(1, binary),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("SILENCE", "HANGUP", "", "{\"return\": {}", "{\"return\": {}, \"id\": %ID%}")));
    }

    @Provide
    Arbitrary<String> greetings() {
        Arbitrary<String> value = jsonValues();
        return Arbitraries.oneOf(
                value.map(v -> "{\"QMP\": " + v + "}"),
                value.map(v -> "{\"QMP\": {\"version\": {\"qemu\": " + v + "}, \"capabilities\": []}}"),
                value,
                Arbitraries.strings().all().ofMaxLength(100));
    }

    /** JSON values of every kind, some nested, with numbers at and beyond a long's range. */
    private static Arbitrary<String> jsonValues() {
        Arbitrary<String> scalar = Arbitraries.oneOf(
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.of("1e400", "-1e400", "99999999999999999999999", "-0", "0.5", "NaN", "true", "false", "null", "\"\""),
                Arbitraries.strings().alpha().ofMaxLength(12).map(s -> "\"" + s + "\""));
        Arbitrary<String> object = Combinators.combine(Arbitraries.of("actual", "status", "ram", "remaining", "stats", "name", "type",
                        "class", "desc", "micro", "minor", "major", "stat-free-memory"), scalar)
                .as((k, v) -> "{\"" + k + "\": " + v + "}");
        Arbitrary<String> array = scalar.list().ofMaxSize(3).map(l -> "[" + String.join(", ", l) + "]");
        return Arbitraries.oneOf(scalar, object, array, Arbitraries.of("{}", "[]", "{\"ram\": {\"remaining\": \"x\"}}"));
    }
}
