package dev.memvisor.qemu.manager;

import dev.memvisor.core.model.VmPlan;
import dev.memvisor.core.model.VmView;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Prometheus metrics of the manager, host and per VM, named after esxtop's counters where one exists. */
public final class ManagerMetrics implements AutoCloseable {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Gauge hostMachine = gauge("memvisor_host_machine_bytes", "Memory the manager manages (budget or MemTotal)");
    private final Gauge hostFree = gauge("memvisor_host_free_bytes", "Free memory as the policy sees it");
    private final Gauge hostState = gauge("memvisor_host_state", "Host memory state: 0 high, 1 soft, 2 hard, 3 low");
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

    /** Serves the metrics on {@code port} (0 = not served, still recorded). */
    public ManagerMetrics(int port) {
        try {
            server = port > 0 ? HTTPServer.builder().port(port).registry(registry).buildAndStart() : null;
        } catch (IOException e) {
            throw new UncheckedIOException("metrics: cannot listen on port " + port + ": " + e.getMessage(), e);
        }
    }

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
        psi.set(d.psiSomeAvg10());
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
            if (d.samples().containsKey(vm) || vm.startsWith("(")) continue;
            up.labelValues(vm).set(0);
            vmErrors.labelValues(vm).inc();
        }
    }

    @Override
    public void close() {
        if (server != null) server.close();
    }
}
