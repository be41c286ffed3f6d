package dev.memvisor.qemu.manager;

import dev.memvisor.core.control.Trigger;
import dev.memvisor.core.model.VmPlan;
import dev.memvisor.core.model.VmView;
import dev.memvisor.core.counter.Counter;
import dev.memvisor.core.model.HostMemoryState;
import dev.memvisor.qemu.cpu.HostCpuSample;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Prometheus metrics of the manager, the host and each VM, named as Prometheus names things (base
 * units, {@code _total} for what counts up) from core's counter catalogue ({@link Counter}), with the
 * host memory state as a label and the standard {@code process_} and {@code jvm_} metrics, served by the Prometheus client's HTTP server (the JDK's com.sun.net.httpserver) on
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

    private static final long PAGE = 4096;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    // host: esxtop's Memory object, named by core's counter catalogue
    private final Gauge hostMachine = gauge(Counter.HOST_PMEM, "memory the manager manages (the budget, or MemTotal)");
    private final Gauge hostFree = gauge(Counter.HOST_FREE, "free memory as the policy sees it");
    private final Gauge hostState = Gauge.builder().name(Counter.HOST_STATE.prometheusName().orElseThrow())
            .help("host memory state: 1 for the state the host is in (high, clear, soft, hard, low), 0 for the others").labelNames("state").register(registry);
    private final Gauge hostBalloon = gauge(Counter.HOST_MCTLSZ, "memory held by the balloons of all managed VMs");
    private final Gauge hostBalloonTarget = gauge(Counter.HOST_MCTLTGT, "balloon targets of all managed VMs");
    private final Gauge hostSwapped = gauge(Counter.HOST_SWCUR, "QEMU memory of the managed VMs swapped out by the host (VmSwap)");
    private final Gauge hostSwapTarget = gauge(Counter.HOST_SWTGT, "the plan's host swap targets of all managed VMs");
    private final Gauge hostShared = gauge(Counter.HOST_PSHARE_SHARED, "guest memory mapped to pages KSM merged ((pages_shared + pages_sharing) x 4 KiB)");
    private final Gauge hostSharedCommon = gauge(Counter.HOST_PSHARE_COMMON, "memory holding KSM's merged pages (pages_shared x 4 KiB)");
    private final Gauge hostSharedSaved = gauge(Counter.HOST_PSHARE_SAVING, "memory KSM saves (pages_sharing x 4 KiB)");
    // cumulative counters from /proc, read back from the last decision at each scrape
    private volatile Decision latest;
    private final Map<String, VmSample> lastSamples = new java.util.concurrent.ConcurrentHashMap<>();
    private final Set<String> labelled = new HashSet<>();
    private final io.prometheus.metrics.core.metrics.Counter decisionsTotal = io.prometheus.metrics.core.metrics.Counter.builder()
            .name("memvisor_decisions_total").help("decisions made, at intervals and on state changes").register(registry);
    private final io.prometheus.metrics.core.metrics.Counter stateDecisions = io.prometheus.metrics.core.metrics.Counter.builder()
            .name("memvisor_state_decisions_total").help("decisions made between intervals because the host memory state changed").register(registry);
    private final io.prometheus.metrics.core.metrics.Counter vmErrors = io.prometheus.metrics.core.metrics.Counter.builder()
            .name("memvisor_vm_errors_total").help("decisions at which a managed VM could not be observed").labelNames("vm").register(registry);
    // per VM: esxtop's Group Memory object
    private final Gauge up = Gauge.builder().name("memvisor_vm_up").help("1 if the VM was observed at the last decision, 0 if managed but not observed")
            .labelNames("vm").register(registry);
    private final Gauge memsz = vmGauge(Counter.MEMSZ, "configured memory");
    private final Gauge reservation = vmGauge(Counter.AMIN, "reservation: never reclaimed below");
    private final Gauge limit = vmGauge(Counter.AMAX, "limit: never granted above");
    private final Gauge shares = vmGauge(Counter.ASHRS, "memory shares");
    private final Gauge grant = vmGauge(Counter.GRANT, "guest memory backed by host memory (QEMU's resident memory, at most the balloon's actual)");
    private final Gauge target = vmGauge(Counter.SZTGT, "memory the policy wants the VM to have");
    private final Gauge active = vmGauge(Counter.TCHD, "estimated active memory");
    private final Gauge consumed = vmGauge(Counter.CNSM, "host memory the VM costs after KSM's savings");
    private final Gauge overhead = vmGauge(Counter.OVHD, "the policy's per-VM overhead");
    private final Gauge driver = vmGauge(Counter.MCTL, "1 when the manager may use the VM's balloon");
    private final Gauge balloon = vmGauge(Counter.MCTLSZ, "memory held by the balloon");
    private final Gauge balloonTarget = vmGauge(Counter.MCTLTGT, "balloon size the plan asks for");
    private final Gauge swapped = vmGauge(Counter.SWCUR, "QEMU memory swapped out by the host (VmSwap)");
    private final Gauge swapTarget = vmGauge(Counter.SWTGT, "the plan's host swap target");
    private final Gauge shared = vmGauge(Counter.SHRD, "guest memory KSM merged (ksm_merging_pages x 4 KiB)");
    private final Gauge sharedSaved = vmGauge(Counter.SHRDSVD, "memory KSM saves for the VM (ksm_process_profit)");
    private final Gauge cgroupLimit = Gauge.builder().name("memvisor_vm_cgroup_limit_bytes")
            .help("the hard limit of the VM's memory cgroup (QEMU) or memtune hard_limit (libvirt) the manager set").labelNames("vm").register(registry);
    // esxtop's ZIP and CACHEUSD; memvisor's PLUGGED and PLUGTGT (virtio-mem)
    private final Gauge zip = vmGauge(Counter.ZIP, "guest memory held compressed by the host (zswap)");
    private final Gauge cacheUsed = vmGauge(Counter.CACHEUSD, "machine memory the VM's compressed pages take (zswap's pool)");
    private final Gauge plugged = vmGauge(Counter.PLUGGED, "memory plugged into the guest by its virtio-mem device");
    private final Gauge plugTarget = vmGauge(Counter.PLUGTGT, "plugged size the virtio-mem device was asked for (requested-size)");
    private final Gauge plugSeconds = Gauge.builder().name("memvisor_vm_plug_last_change_seconds")
            .help("how long the last completed change of the VM's plugged memory took (virtio-mem)").labelNames("vm").register(registry);
    private final Gauge hostZip = gauge(Counter.HOST_ZIP, "guest memory held compressed by zswap (/proc/meminfo Zswapped)");
    private final Gauge hostZipSaved = gauge(Counter.HOST_ZIP_SAVED, "memory zswap saves (Zswapped less Zswap)");
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
        registerCumulative();
        // the standard process_ (CPU seconds, memory, file descriptors) and jvm_ metrics of the client's instrumentation module
        JvmMetrics.builder().register(registry);
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

    private Gauge gauge(Counter c, String help) {
        return Gauge.builder().name(c.prometheusName().orElseThrow()).help(help).register(registry);
    }

    private Gauge vmGauge(Counter c, String help) {
        return Gauge.builder().name(c.prometheusName().orElseThrow()).help(help).labelNames("vm").register(registry);
    }

    /** Counters of what /proc counts since boot or since a QEMU started: read at each scrape from the last decision. */
    private void registerCumulative() {
        CounterWithCallback.builder().name(Counter.HOST_SWR.prometheusName().orElseThrow())
                .help("memory the host swapped in since boot (vmstat pswpin x 4 KiB)")
                .callback(cb -> host(d -> cb.call(d.observation().host().swapInPages() * (double) PAGE))).register(registry);
        CounterWithCallback.builder().name(Counter.HOST_SWW.prometheusName().orElseThrow())
                .help("memory the host swapped out since boot (vmstat pswpout x 4 KiB)")
                .callback(cb -> host(d -> cb.call(d.observation().host().swapOutPages() * (double) PAGE))).register(registry);
        CounterWithCallback.builder().name("memvisor_host_memory_pressure_waiting_seconds_total")
                .help("time some task stalled on memory since boot (PSI memory some total)")
                .callback(cb -> host(d -> cb.call(d.observation().host().psiSomeTotalMicros() / 1e6))).register(registry);
        CounterWithCallback.builder().name("memvisor_host_memory_pressure_stalled_seconds_total")
                .help("time all non-idle tasks stalled on memory since boot (PSI memory full total)")
                .callback(cb -> host(d -> cb.call(d.observation().host().psiFullTotalMicros() / 1e6))).register(registry);
        CounterWithCallback.builder().name(Counter.USED.prometheusName().orElseThrow()).labelNames("vm")
                .help("CPU time of the VM's whole QEMU process since it started (utime + stime)")
                .callback(cb -> lastSamples.forEach((vm, s) -> cb.call(s.processTicks() / (double) HostCpuSample.USER_HZ, vm))).register(registry);
        CounterWithCallback.builder().name(Counter.RUN.prometheusName().orElseThrow()).labelNames("vm")
                .help("CPU time of the VM's vCPU threads since its QEMU started (utime + stime of threads CPU n/KVM or /TCG)")
                .callback(cb -> lastSamples.forEach((vm, s) -> cb.call(s.vcpuTicks() / (double) HostCpuSample.USER_HZ, vm))).register(registry);
        // rate() of it is the share of time some of the VM's threads stalled on memory (esxtop-style %MSTALL)
        CounterWithCallback.builder().name(Counter.MEMSTALL.prometheusName().orElseThrow()).labelNames("vm")
                .help("time some of the VM's threads stalled on memory since its cgroup was made (PSI some of its own cgroup v2)")
                .callback(cb -> lastSamples.forEach((vm, s) -> {
                    long us = s.view().memoryStallMicros();
                    if (us >= 0) cb.call(us / 1e6, vm);
                })).register(registry);
    }

    private void host(Consumer<Decision> f) {
        Decision d = latest;
        if (d != null) f.accept(d);
    }

    /** Records one decision: the gauges take its figures; a VM no longer seen (a domain stopped) loses its series. */
    public void record(Decision d) {
        decisionsTotal.inc();
        if (d.trigger() == Trigger.STATE) stateDecisions.inc();
        hostMachine.set(d.view().machineBytes());
        hostFree.set(d.view().freeBytes());
        for (HostMemoryState st : HostMemoryState.values()) {
            hostState.labelValues(st.name().toLowerCase(Locale.ROOT)).set(st == d.plan().state() ? 1 : 0);
        }
        HostReadings hr = d.observation().host();
        hostShared.set((hr.ksmPagesShared() + hr.ksmPagesSharing()) * (double) PAGE);
        hostSharedCommon.set(hr.ksmPagesShared() * (double) PAGE);
        hostSharedSaved.set(hr.ksmPagesSharing() * (double) PAGE);
        var plans = d.plan().byName();
        long sumBalloon = 0, sumTarget = 0, sumSwapped = 0, sumSwapTarget = 0;
        Set<String> now = new HashSet<>();
        for (var e : d.samples().entrySet()) {
            String vm = e.getKey();
            VmSample s = e.getValue();
            VmView v = s.view();
            VmPlan p = plans.get(vm);
            now.add(vm);
            up.labelValues(vm).set(1);
            memsz.labelValues(vm).set(v.settings().configuredBytes());
            reservation.labelValues(vm).set(v.settings().reservationBytes());
            limit.labelValues(vm).set(v.settings().limitBytes());
            shares.labelValues(vm).set(v.settings().shares());
            grant.labelValues(vm).set(v.grantedBytes());
            active.labelValues(vm).set(v.activeBytes());
            consumed.labelValues(vm).set(v.consumedBytes());
            overhead.labelValues(vm).set(d.view().overheadBytesPerVm());
            driver.labelValues(vm).set(v.settings().ballooning() ? 1 : 0);
            balloon.labelValues(vm).set(v.balloonBytes());
            swapped.labelValues(vm).set(v.swappedBytes());
            shared.labelValues(vm).set(s.sharedBytes());
            sharedSaved.labelValues(vm).set(s.ksmProfitBytes());
            sumBalloon += v.balloonBytes();
            sumSwapped += v.swappedBytes();
            if (p != null) {
                target.labelValues(vm).set(p.targetBytes());
                balloonTarget.labelValues(vm).set(p.balloonTargetBytes());
                swapTarget.labelValues(vm).set(p.swapTargetBytes());
                sumTarget += p.balloonTargetBytes();
                sumSwapTarget += p.swapTargetBytes();
            }
            var cg = d.cgroups().get(vm);
            if (cg != null) cgroupLimit.labelValues(vm).set(cg.limitBytes());
            zip.labelValues(vm).set(v.compressedBytes());
            cacheUsed.labelValues(vm).set(s.compressedPoolBytes());
            if (v.hotplug() != null) {
                plugged.labelValues(vm).set(v.hotplug().pluggedBytes());
                plugTarget.labelValues(vm).set(v.hotplug().requestedBytes());
            }
            lastSamples.put(vm, s);
        }
        for (var e : d.plugChanges().entrySet()) plugSeconds.labelValues(e.getKey()).set(e.getValue().tookMicros() / 1e6);
        hostZip.set(d.observation().host().zswappedBytes());
        hostZipSaved.set(Math.max(0, d.observation().host().zswappedBytes() - d.observation().host().zswapPoolBytes()));
        for (String vm : d.errors().keySet()) {
            now.add(vm);
            up.labelValues(vm).set(0);
            vmErrors.labelValues(vm).inc();
        }
        hostBalloon.set(sumBalloon);
        hostBalloonTarget.set(sumTarget);
        hostSwapped.set(sumSwapped);
        hostSwapTarget.set(sumSwapTarget);
        // a VM the manager no longer manages (a domain stopped) leaves the metrics; its errors counter stays, as counters do
        for (String gone : new ArrayList<>(labelled)) {
            if (now.contains(gone)) continue;
            for (Gauge g : List.of(up, memsz, reservation, limit, shares, grant, active, consumed, overhead, driver, balloon, balloonTarget, target, swapped, swapTarget,
                    shared, sharedSaved, cgroupLimit, zip, cacheUsed, plugged, plugTarget, plugSeconds)) {
                g.remove(gone);
            }
            lastSamples.remove(gone);
        }
        lastSamples.keySet().retainAll(d.samples().keySet());
        labelled.clear();
        labelled.addAll(now);
        latest = d;
    }

    @Override
    public void close() {
        if (server != null) server.close();
        exporterLog.removeHandler(oneLine);
        exporterLog.setUseParentHandlers(true);
    }
}
