package dev.memvisor.qemu.manager;

import dev.memvisor.core.model.HostMemoryState;
import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.Plan;
import dev.memvisor.core.model.VmPlan;
import dev.memvisor.qemu.act.CgroupSetting;
import dev.memvisor.core.model.VmSettings;
import dev.memvisor.core.model.VmView;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The Prometheus endpoint serves host and per-VM gauges with esxtop-like names after a decision. */
class ManagerMetricsTest {
    private static final long MIB = 1L << 20;

    @Test
    void servesTheLastDecision() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        VmView a = new VmView(VmSettings.of("a", 256 * MIB), 200 * MIB, 180 * MIB, 56 * MIB, 0, 0, 40 * MIB, 10 * MIB, 150 * MIB);
        HostView view = new HostView(5000, 1024 * MIB, 30 * MIB, 32 * MIB, List.of(a));
        Plan plan = new Plan(5000, HostMemoryState.SOFT, 200, List.of(new VmPlan("a", 150 * MIB, 106 * MIB, 8 * MIB, false, false, "rho")));
        Decision d = new Decision(view, plan, Map.of("a", new VmSample(a, 200 * MIB, 12 * MIB, 77, 190 * MIB)),
                Map.of("ghost", "QMP socket /x does not exist"), List.of("balloon a 150M"), 900 * MIB, 3000, 0.5, 1, 2,
                20_000_000, 30_000_000, 4_000_000, Map.of("a", new CgroupSetting("swap", 182 * MIB, CgroupSetting.NONE)),
                Trigger.STATE, 0);
        try (ManagerMetrics m = new ManagerMetrics(port)) {
            m.record(d);
            String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(body).contains("memvisor_host_state 1.0").contains("memvisor_host_free_bytes 3.145728E7")
                    .contains("memvisor_vm_mctlsz_bytes{vm=\"a\"} 5.8720256E7")
                    .contains("memvisor_vm_mctltgt_bytes{vm=\"a\"} 1.11149056E8")
                    .contains("memvisor_vm_shrd_bytes{vm=\"a\"} 1.2582912E7")
                    .contains("memvisor_vm_up{vm=\"ghost\"} 0.0").contains("memvisor_vm_errors_total{vm=\"ghost\"} 1.0")
                    .contains("memvisor_vm_swtgt_bytes{vm=\"a\"} 8388608.0")
                    .contains("memvisor_vm_cgroup_limit_bytes{vm=\"a\"} 1.90840832E8")
                    .contains("memvisor_decisions_total 1.0").contains("memvisor_state_decisions_total 1.0");
        }
        String line = DecisionJson.line(d, "esx", java.time.Instant.EPOCH);
        assertThat(line).startsWith("{\"time\":\"1970-01-01T00:00:00Z\",\"tMs\":5000,\"policy\":\"esx\",\"trigger\":\"state\",\"state\":\"SOFT\"")
                .contains("\"MCTLSZ\":" + 56 * MIB).contains("\"MCTLTGT\":" + 106 * MIB).contains("\"pswpout\":2")
                .contains("\"SWTGT\":" + 8 * MIB + ",\"blocked\":false,\"cgroup\":{\"mode\":\"swap\",\"limit\":" + 182 * MIB + ",\"high\":-1}")
                .contains("{\"name\":\"ghost\",\"up\":false,\"error\":\"QMP socket /x does not exist\"}")
                .contains("\"balloonSentMs\":4.0");
    }
}
