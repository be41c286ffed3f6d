package dev.memvisor.qemu.manager;

import dev.memvisor.core.control.Trigger;
import dev.memvisor.core.model.VmPlan;
import dev.memvisor.core.model.VmView;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Prometheus metrics of the manager, host and per VM, named after esxtop's counters where one exists,
 * served by the Prometheus client's HTTP server (the JDK's com.sun.net.httpserver) on
 * {@link HostConfig#metricsAddress()} (this host only by default). A client that does not send its
 * request within {@link #MAX_REQUEST_SECONDS} or take the answer within {@link #MAX_RESPONSE_SECONDS}
 * is dropped (the JDK server's {@code sun.net.httpserver.maxReqTime} and {@code maxRspTime}), so
 * half-open connections cannot hold the server's threads; a scrape the client aborts is one line on
 * stderr, not the client library's stack traces.
 */
public final class ManagerMetrics implements AutoCloseable {
    /** Seconds a client may take to send its request. */
    public static final int MAX_REQUEST_SECONDS = 5;
    /** Seconds a client may take to read the answer. */
    public static final int MAX_RESPONSE_SECONDS = 10;
    /** The logger the Prometheus HTTP server reports scrape failures to (java.util.logging). */
    private static final String EXPORTER_LOGGER = "io.prometheus.metrics.exporter.httpserver";

    static {
        // read once by the JDK server when its first instance is made; a value set on the command line wins
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", Integer.toString(MAX_REQUEST_SECONDS));
        }
        if (System.getProperty("sun.net.httpserver.maxRspTime") == null) {
            System.setProperty("sun.net.httpserver.maxRspTime", Integer.toString(MAX_RESPONSE_SECONDS));
        }
    }

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Gauge hostMachine = gauge("memvisor_host_machine_bytes", "Memory the manager manages (budget or MemTotal)");
    private final Gauge hostFree = gauge("memvisor_host_free_bytes", "Free memory as the policy sees it");
    private final Gauge hostState = gauge("memvisor_host_state", "Host memory state, esxtop's Kernel State numbering: 0 high, 1 clear, 2 soft, 3 hard, 4 low");
    private final Gauge ksmSharing = gauge("memvisor_host_ksm_pages_sharing", "KSM pages_sharing");
    private final Gauge psi = gauge("memvisor_host_psi_memory_some_avg10", "Memory PSI some avg10 (percent)");
    private final Gauge cpu = gauge("memvisor_manager_cpu_seconds_last_interval", "CPU time the manager used in the last interval");
    private final Counter decisionsTotal = Counter.builder().name("memvisor_decisions_total").help("Decisions made, at intervals and on state changes").register(registry);
    private final Counter stateDecisions = Counter.builder().name("memvisor_state_decisions_total")
            .help("Decisions made between intervals because the host memory state changed").register(registry);
    private final Counter vmErrors = Counter.builder().name("memvisor_vm_errors_total").help("Intervals in which a VM could not be managed")
            .labelNames("vm").register(registry);
    private final Gauge up = vmGauge("memvisor_vm_up", "1 if the VM was managed in the last interval");
    private final Gauge memsz = vmGauge("memvisor_vm_memsz_bytes", "Configured memory (MEMSZ)");
    private final Gauge grant = vmGauge("memvisor_vm_grant_bytes", "Guest memory backed by host memory (GRANT)");
    private final Gauge consumed = vmGauge("memvisor_vm_consumed_bytes", "Host memory the VM costs after sharing (CONSUMED)");
    private final Gauge mctlsz = vmGauge("memvisor_vm_mctlsz_bytes", "Balloon size (MCTLSZ)");
    private final Gauge mctltgt = vmGauge("memvisor_vm_mctltgt_bytes", "Balloon target (MCTLTGT)");
    private final Gauge target = vmGauge("memvisor_vm_target_bytes", "The policy's allocation target");
    private final Gauge swcur = vmGauge("memvisor_vm_swcur_bytes", "QEMU memory swapped by the host (SWCUR)");
    private final Gauge swtgt = vmGauge("memvisor_vm_swtgt_bytes", "The plan's hypervisor swap target (SWTGT)");
    private final Gauge cgroupLimit = vmGauge("memvisor_vm_cgroup_limit_bytes", "The hard limit of the VM's memory cgroup");
    private final Gauge shrd = vmGauge("memvisor_vm_shrd_bytes", "Memory merged by KSM (SHRD)");
    private final Gauge actv = vmGauge("memvisor_vm_actv_bytes", "Estimated active memory (ACTV)");
    private final HTTPServer server;
    /** Held so the logger and its handler live as long as the server (java.util.logging keeps loggers weakly). */
    private final Logger exporterLog;
    private final Handler oneLine;

    /**
     * Serves the metrics on {@code address:port} (port 0 = not served, still recorded).
     *
     * @param events receives one line per scrape the client aborted or the server failed
     */
    public ManagerMetrics(String address, int port, Consumer<String> events) {
        exporterLog = Logger.getLogger(EXPORTER_LOGGER);
        oneLine = new OneLineHandler(events);
        if (port > 0) {
            exporterLog.setUseParentHandlers(false);
            exporterLog.addHandler(oneLine);
        }
        try {
            server = port > 0 ? HTTPServer.builder().inetAddress(InetAddress.getByName(address)).port(port).registry(registry).buildAndStart() : null;
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("metrics: cannot listen on " + address + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** Serves nothing; still records (tests, the demo). */
    public ManagerMetrics() {
        this(HostConfig.DEFAULT_METRICS_ADDRESS, 0, line -> { });
    }

    /**
     * The Prometheus server logs each failed scrape at SEVERE twice with stack traces (the failure to
     * send, then the original exception); this keeps one line per failed scrape with the reason.
     */
    private static final class OneLineHandler extends Handler {
        private final Consumer<String> events;

        OneLineHandler(Consumer<String> events) {
            this.events = events;
        }

        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() < Level.WARNING.intValue()) return;
            String msg = String.valueOf(r.getMessage());
            // the second record of a pair repeats the cause of the first
            if (msg.startsWith("Original Exception")) return;
            Throwable t = r.getThrown();
            String why = t == null ? msg : t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
            events.accept("metrics: a scrape failed (" + why + "); the client probably went away");
        }

        @Override
        public void flush() { }

        @Override
        public void close() { }
    }

    /** The registry the metrics are in (tests add to it). */
    PrometheusRegistry registry() { return registry; }

    /** The port actually served, or -1. */
    public int port() { return server == null ? -1 : server.getPort(); }

    private Gauge gauge(String name, String help) {
        return Gauge.builder().name(name).help(help).register(registry);
    }

    private Gauge vmGauge(String name, String help) {
        return Gauge.builder().name(name).help(help).labelNames("vm").register(registry);
    }

    /** Records one decision. */
    public void record(Decision d) {
        decisionsTotal.inc();
        if (d.trigger() == Trigger.STATE) stateDecisions.inc();
        hostMachine.set(d.view().machineBytes());
        hostFree.set(d.view().freeBytes());
        hostState.set(d.plan().state().ordinal());
        ksmSharing.set(d.ksmPagesSharing());
        psi.set(d.observation().host().psiSomeAvg10());
        cpu.set(d.managerCpuNanos() / 1e9);
        var plans = d.plan().byName();
        for (var e : d.samples().entrySet()) {
            String vm = e.getKey();
            VmView v = e.getValue().view();
            VmPlan p = plans.get(vm);
            up.labelValues(vm).set(1);
            memsz.labelValues(vm).set(v.settings().configuredBytes());
            grant.labelValues(vm).set(v.grantedBytes());
            consumed.labelValues(vm).set(v.consumedBytes());
            mctlsz.labelValues(vm).set(v.balloonBytes());
            swcur.labelValues(vm).set(v.swappedBytes());
            shrd.labelValues(vm).set(e.getValue().sharedBytes());
            actv.labelValues(vm).set(v.activeBytes());
            if (p != null) {
                mctltgt.labelValues(vm).set(p.balloonTargetBytes());
                target.labelValues(vm).set(p.targetBytes());
                swtgt.labelValues(vm).set(p.swapTargetBytes());
            }
            var cg = d.cgroups().get(vm);
            if (cg != null) cgroupLimit.labelValues(vm).set(cg.limitBytes());
        }
        for (String vm : d.errors().keySet()) {
            up.labelValues(vm).set(0);
            vmErrors.labelValues(vm).inc();
        }
    }

    @Override
    public void close() {
        if (server != null) server.close();
        exporterLog.removeHandler(oneLine);
        exporterLog.setUseParentHandlers(true);
    }
}
