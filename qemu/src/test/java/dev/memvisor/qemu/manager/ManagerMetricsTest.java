package dev.memvisor.qemu.manager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memvisor.core.control.Action;
import dev.memvisor.core.control.ControlDecision;
import dev.memvisor.core.control.Trigger;
import dev.memvisor.core.model.HostMemoryState;
import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.Plan;
import dev.memvisor.core.model.VmPlan;
import dev.memvisor.core.model.VmSettings;
import dev.memvisor.core.model.VmView;
import dev.memvisor.qemu.act.CgroupSetting;
import dev.memvisor.qemu.act.KsmControl;
import dev.memvisor.qemu.collect.MemInfo;
import io.prometheus.metrics.core.metrics.Gauge;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Prometheus endpoint: host and per-VM gauges with esxtop-like names after a decision, on this
 * host's loopback only unless told otherwise; clients that never finish their request do not block
 * a scrape for long; a scrape the client aborts is one line, not stack traces.
 */
class ManagerMetricsTest {
    private static final long MIB = 1L << 20;

    static Decision decision() {
        VmView a = new VmView(VmSettings.of("a", 256 * MIB), 200 * MIB, 180 * MIB, 56 * MIB, 0, 0, 40 * MIB, 10 * MIB, 150 * MIB);
        HostView view = new HostView(5000, 1024 * MIB, 30 * MIB, 32 * MIB, List.of(a));
        Plan plan = new Plan(5000, HostMemoryState.SOFT, 200, List.of(new VmPlan("a", 150 * MIB, 106 * MIB, 8 * MIB, false, false, "rho")));
        List<Action> actions = List.of(new Action.Balloon("a", 106 * MIB), new Action.SharingRate(200));
        ControlDecision cd = new ControlDecision(5000, Trigger.STATE, view, plan, plan, actions, List.of());
        MemInfo mem = MemInfo.parse("MemTotal: 4194304 kB\nMemAvailable: 921600 kB\n");
        Observation o = new Observation(view, Map.of("a", new VmSample(a, 200 * MIB, 0, 12 * MIB, 77, 190 * MIB)),
                Map.of("ghost", "QMP socket /x does not exist"), Map.of(), new HostReadings(mem, 3000, 0.5, 1, 2), null);
        Effects e = new Effects(Map.of("a", 150 * MIB), Map.of("a", new CgroupSetting("swap", 182 * MIB, CgroupSetting.NONE)),
                new KsmControl.Settings(1, 4, 20), 4_000_000);
        return new Decision(cd, o, e, 20_000_000, 30_000_000, 0);
    }

    /** The decision with no VM at all: every VM left. */
    static Decision withoutVms(Decision d) {
        HostView view = new HostView(10000, d.view().machineBytes(), d.view().freeBytes(), d.view().overheadBytesPerVm(), List.of());
        Plan plan = new Plan(10000, HostMemoryState.HIGH, 200, List.of());
        ControlDecision cd = new ControlDecision(10000, Trigger.INTERVAL, view, plan, plan, List.of(), List.of());
        Observation o = new Observation(view, Map.of(), Map.of(), Map.of(), d.observation().host(), null);
        return new Decision(cd, o, new Effects(Map.of(), Map.of(), null, -1), 0, 0, 0);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String scrape(int port, Duration timeout) throws Exception {
        HttpClient c = HttpClient.newBuilder().connectTimeout(timeout).build();
        return c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(timeout).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void servesTheLastDecisionAndLogsItsActionsAsData() throws Exception {
        Decision d = decision();
        int port = freePort();
        try (ManagerMetrics m = new ManagerMetrics(HostConfig.DEFAULT_METRICS_ADDRESS, port, l -> { })) {
            m.record(d);
            String body = scrape(port, Duration.ofSeconds(10));
            // names from core's counter catalogue, in base units; the state as a label
            assertThat(body).contains("memvisor_host_memory_state{state=\"soft\"} 1.0").contains("memvisor_host_memory_state{state=\"high\"} 0.0")
                    .contains("memvisor_host_free_bytes 3.145728E7").contains("memvisor_host_memory_bytes 1.073741824E9")
                    .contains("memvisor_host_balloon_bytes 5.8720256E7").contains("memvisor_host_shared_saved_bytes 1.2288E7")
                    .contains("memvisor_vm_balloon_bytes{vm=\"a\"} 5.8720256E7")
                    .contains("memvisor_vm_balloon_target_bytes{vm=\"a\"} 1.11149056E8")
                    .contains("memvisor_vm_shared_bytes{vm=\"a\"} 1.2582912E7")
                    .contains("memvisor_vm_memory_size_bytes{vm=\"a\"} 2.68435456E8")
                    .contains("memvisor_vm_up{vm=\"ghost\"} 0.0").contains("memvisor_vm_errors_total{vm=\"ghost\"} 1.0")
                    .contains("memvisor_vm_swap_target_bytes{vm=\"a\"} 8388608.0")
                    .contains("memvisor_vm_cgroup_limit_bytes{vm=\"a\"} 1.90840832E8")
                    .contains("memvisor_decisions_total 1.0").contains("memvisor_state_decisions_total 1.0")
                    // cumulative CPU seconds as counters (77 ticks of 1/100 s)
                    .contains("# TYPE memvisor_vm_cpu_run_seconds_total counter").contains("memvisor_vm_cpu_run_seconds_total{vm=\"a\"} 0.77")
                    .contains("# TYPE memvisor_host_swap_out_bytes_total counter").contains("memvisor_host_swap_out_bytes_total 8192.0")
                    // the client's standard process and JVM metrics
                    .contains("process_cpu_seconds_total").contains("process_resident_memory_bytes").contains("jvm_memory_used_bytes")
                    .doesNotContain("mctlsz").doesNotContain("memvisor_host_state ");
            // a VM that leaves (a domain stopped) leaves the metrics
            m.record(withoutVms(d));
            String after = scrape(port, Duration.ofSeconds(10));
            assertThat(after).doesNotContain("memvisor_vm_balloon_bytes{vm=\"a\"}").doesNotContain("memvisor_vm_cpu_run_seconds_total{vm=\"a\"}")
                    .contains("memvisor_decisions_total 2.0");
        }
        String line = DecisionJson.line(d, "esx", java.time.Instant.EPOCH);
        assertThat(line).startsWith("{\"time\":\"1970-01-01T00:00:00Z\",\"tMs\":5000,\"policy\":\"esx\",\"trigger\":\"state\",\"state\":\"SOFT\"")
                .contains("\"MCTLSZ\":" + 56 * MIB).contains("\"MCTLTGT\":" + 106 * MIB).contains("\"pswpout\":2")
                .contains("\"SWTGT\":" + 8 * MIB + ",\"blocked\":false,\"cgroup\":{\"mode\":\"swap\",\"limit\":" + 182 * MIB + ",\"high\":-1}")
                .contains("{\"name\":\"ghost\",\"up\":false,\"error\":\"QMP socket /x does not exist\",\"held\":0}")
                .contains("\"balloonSentMs\":4.0").contains("\"ksm\":{\"run\":1,\"pagesToScan\":4,\"sleepMillis\":20}");
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(ActionJson.readAll(json)).as("the actions read back as the typed values they were").isEqualTo(d.actions());
        assertThat(json.path("actions").get(0).path("kind").asText()).isEqualTo("balloon");
        assertThat(json.path("actions").get(0).path("balloonBytes").asLong()).isEqualTo(106 * MIB);
    }

    /** Issue 11, item 7: the listening socket is bound to 127.0.0.1 by default, to every interface only when asked. */
    @Test
    void listensOnLoopbackUnlessToldOtherwise() throws Exception {
        int port = freePort();
        try (ManagerMetrics m = new ManagerMetrics(HostConfig.DEFAULT_METRICS_ADDRESS, port, l -> { })) {
            assertThat(listeningAddresses(port)).containsExactly("0100007F");
        }
        int any = freePort();
        try (ManagerMetrics m = new ManagerMetrics("0.0.0.0", any, l -> { })) {
            assertThat(listeningAddresses(any)).containsExactly("00000000");
        }
    }

    /**
     * The local addresses of sockets listening on {@code port}, IPv4 as /proc/net/tcp writes them; a
     * dual-stack Java socket is in /proc/net/tcp6, where ::ffff:127.0.0.1 and :: are mapped back to
     * 0100007F and 00000000.
     */
    private static List<String> listeningAddresses(int port) throws Exception {
        List<String> out = new ArrayList<>();
        String hexPort = String.format(Locale.ROOT, "%04X", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String l : lines.subList(1, lines.size())) {
                String[] f = l.trim().split("\\s+");
                String[] local = f[1].split(":");
                if (!local[1].equals(hexPort) || !f[3].equals("0A")) continue;
                String a = local[0];
                if (a.length() == 32) a = a.startsWith("0000000000000000FFFF0000") ? a.substring(24) : a.equals("0".repeat(32)) ? "00000000" : a;
                out.add(a);
            }
        }
        return out;
    }

    /** Issue 11, item 7: a dozen clients that connect and never finish their request do not keep a scrape waiting. */
    @Test
    void halfOpenClientsAreDroppedAndAScrapeStillAnswers() throws Exception {
        int port = freePort();
        List<Socket> stuck = new ArrayList<>();
        try (ManagerMetrics m = new ManagerMetrics(HostConfig.DEFAULT_METRICS_ADDRESS, port, l -> { })) {
            m.record(decision());
            for (int i = 0; i < 12; i++) {
                Socket s = new Socket(java.net.InetAddress.getLoopbackAddress(), port);
                s.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                stuck.add(s);
            }
            long t0 = System.nanoTime();
            String body = scrape(port, Duration.ofSeconds(ManagerMetrics.MAX_REQUEST_SECONDS + 10));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(body).contains("memvisor_host_memory_state");
            assertThat(ms).as("a scrape behind 12 half-open clients").isLessThan((ManagerMetrics.MAX_REQUEST_SECONDS + 4) * 1000L);
        } finally {
            for (Socket s : stuck) s.close();
        }
    }

    /** Issue 11, item 7: a scrape the client aborts mid-answer is one line on the manager's events, and nothing on stderr. */
    @Test
    void anAbortedScrapeIsOneLine() throws Exception {
        int port = freePort();
        List<String> events = new CopyOnWriteArrayList<>();
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (ManagerMetrics m = new ManagerMetrics(HostConfig.DEFAULT_METRICS_ADDRESS, port, events::add)) {
            // an answer of several MiB, so the server is still writing when the client goes
            Gauge big = Gauge.builder().name("memvisor_test_padding").help("pads the answer").labelNames("i").register(m.registry());
            for (int i = 0; i < 100_000; i++) big.labelValues(Integer.toString(i)).set(i);
            try (Socket s = new Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
                OutputStream out = s.getOutputStream();
                out.write(("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                in.readNBytes(1024);
                s.setSoLinger(true, 0); // close with a reset, as a client that gives up does
            }
            String later = dev.memvisor.qemu.launch.Await.until(Duration.ofSeconds(20), () -> String.join("\n", events), e -> !e.isEmpty());
            assertThat(later).contains("metrics: a scrape failed");
            assertThat(scrape(port, Duration.ofSeconds(20))).as("the next scrape works").contains("memvisor_test_padding");
        } finally {
            System.setErr(err);
        }
        assertThat(events).hasSize(1);
        assertThat(captured.toString(StandardCharsets.UTF_8)).as("stderr").doesNotContain("Exception").doesNotContain("\tat ");
    }
}
