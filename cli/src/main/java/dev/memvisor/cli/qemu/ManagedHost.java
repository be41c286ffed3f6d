package dev.memvisor.cli.qemu;

import dev.memvisor.core.admission.AdmissionDecision;
import dev.memvisor.core.model.VmSettings;
import dev.memvisor.core.unit.Size;
import dev.memvisor.libvirt.LibvirtCallException;
import dev.memvisor.libvirt.manager.LibvirtHost;
import dev.memvisor.qemu.collect.ActiveMemorySources;
import dev.memvisor.qemu.collect.ActiveMemoryWindow;
import dev.memvisor.qemu.collect.MemInfo;
import dev.memvisor.qemu.manager.CombinedHost;
import dev.memvisor.qemu.manager.DryRunHost;
import dev.memvisor.qemu.manager.HostConfig;
import dev.memvisor.qemu.manager.HostPaths;
import dev.memvisor.qemu.manager.KsmKeeper;
import dev.memvisor.qemu.manager.LibvirtConfig;
import dev.memvisor.qemu.manager.QemuHost;
import dev.memvisor.qemu.manager.RealHost;
import dev.memvisor.qemu.manager.RunDirectoryVms;
import dev.memvisor.qemu.manager.VmConfig;
import dev.memvisor.qemu.manager.ZswapKeeper;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The host {@code memvisor run} manages, from host.yaml: the QEMUs it lists ({@code vms:}), else
 * those found live in the run directory, admitted in order by admission control; and libvirt's
 * domains when libvirt is on ({@code auto}: when libvirtd answers now). One group is that group's
 * host; both are one {@link CombinedHost} (one KSM, one active-memory monitor, one budget). A dry
 * run wraps it in a {@link DryRunHost}.
 *
 * @param host        the host to drive
 * @param description what it manages, for the start line
 */
record ManagedHost(RealHost host, String description) {

    /**
     * Builds the host.
     *
     * @param events receives the manager's event lines (what is managed, what is not and why)
     * @throws IllegalStateException when there is nothing to manage, saying where memvisor looked
     */
    static ManagedHost of(HostConfig cfg, HostPaths paths, boolean dryRun, Consumer<String> events) {
        boolean listed = !cfg.vms().isEmpty();
        List<VmConfig> qemus = listed ? admitted(cfg, paths, events) : RunDirectoryVms.find(cfg.runDir(), paths.procRoot(), events);
        String qemuPart = qemus.isEmpty() ? null : qemus.size() + " QEMU" + (qemus.size() == 1 ? "" : "s") + " ("
                + qemus.stream().map(VmConfig::name).collect(Collectors.joining(", ")) + (listed ? ", host.yaml's vms" : ", found in " + cfg.runDir()) + ")";
        LibvirtConfig lv = cfg.libvirt();
        RealHost host;
        String libvirtPart = null;
        String libvirtWhyNot = lv.mode() == LibvirtConfig.Mode.OFF ? "libvirt.enabled is false" : null;
        if (lv.mode() == LibvirtConfig.Mode.OFF) {
            host = qemus.isEmpty() ? null : new QemuHost(cfg.withVms(qemus), paths, events);
        } else {
            ActiveMemoryWindow shared = null;
            if (!qemus.isEmpty()) {
                ActiveMemorySources.Choice choice = ActiveMemorySources.choose(paths.damonAdmin(), paths.procRoot(),
                        qemus.size() + LibvirtHost.DAMON_SLOTS, cfg.interval().toNanos() / 1000);
                shared = new ActiveMemoryWindow(choice.source(), cfg.interval().toMillis());
                events.accept(choice.logLine());
            }
            LibvirtHost libvirt;
            // zswap is host-wide: one keeper for both groups (when libvirt is reached), which the first to close puts back
            ZswapKeeper zswap = ZswapKeeper.of(cfg, paths, events);
            try {
                Set<String> names = qemus.stream().map(VmConfig::name).collect(Collectors.toSet());
                List<VmSettings> others = qemus.stream().map(v -> v.settings(configuredForAdmission(v))).toList();
                libvirt = new LibvirtHost(cfg, paths, shared, qemus.isEmpty() ? new KsmKeeper(paths.ksmDir(), cfg.manageKsm(), cfg.ksmSleepMillis(), events) : null,
                        zswap, names, others, lv.mode() == LibvirtConfig.Mode.ON, events);
                libvirtPart = "libvirt's domains on " + lv.uri() + " (" + libvirt.managed().size() + " managed now)";
            } catch (LibvirtCallException e) {
                // auto: libvirtd does not answer; the QEMUs are managed without it
                libvirt = null;
                libvirtWhyNot = e.getMessage();
                events.accept(e.getMessage() + ": libvirt's domains are not managed (libvirt.enabled: true waits for libvirtd)");
                if (shared != null) shared.close();
                shared = null;
            }
            if (libvirt == null) {
                host = qemus.isEmpty() ? null : new QemuHost(cfg.withVms(qemus), paths, zswap, events);
            } else if (qemus.isEmpty()) {
                host = libvirt;
            } else {
                KsmKeeper ksm = new KsmKeeper(paths.ksmDir(), cfg.manageKsm(), cfg.ksmSleepMillis(), events);
                host = new CombinedHost(List.of(new QemuHost(cfg.withVms(qemus), paths, shared, zswap, events), libvirt), cfg, paths, shared, ksm);
            }
        }
        if (host == null) {
            throw new IllegalStateException("nothing to manage: host.yaml lists no vms, no live QEMU has a QMP socket in " + cfg.runDir()
                    + " (DIR/NAME/qmp.sock), and libvirt's domains are not managed (" + libvirtWhyNot + ")");
        }
        String what = qemuPart == null ? libvirtPart : libvirtPart == null ? qemuPart : qemuPart + " and " + libvirtPart;
        return new ManagedHost(dryRun ? new DryRunHost(host) : host, what);
    }

    /** The size admission control assumes for a QEMU whose size QEMU has not told yet: its reservation alone counts. */
    private static long configuredForAdmission(VmConfig v) {
        return v.memoryBytes() > 0 ? v.memoryBytes() : Math.max(Math.max(v.reservationBytes(), v.limitBytes()), Size.KIB * 4);
    }

    /**
     * Admission control at start: host.yaml's VMs in order against the budget (or MemTotal); a VM
     * whose reservation and overhead do not fit is not managed, and the events say why.
     */
    private static List<VmConfig> admitted(HostConfig cfg, HostPaths paths, Consumer<String> events) {
        long machine = cfg.budgetBytes();
        String against = "the budget";
        if (machine <= 0) {
            machine = MemInfo.read(paths.procRoot()).totalBytes();
            against = "MemTotal";
            if (machine <= 0) throw new IllegalStateException("cannot read MemTotal from " + paths.procRoot().resolve("meminfo"));
        }
        List<AdmissionDecision> decisions = cfg.admit(machine);
        List<VmConfig> admitted = new ArrayList<>();
        for (int i = 0; i < decisions.size(); i++) {
            if (decisions.get(i).admitted()) {
                admitted.add(cfg.vms().get(i));
            } else {
                events.accept("vm " + cfg.vms().get(i).name() + ": not managed: admission control against " + against + " ("
                        + Size.format(machine) + "): " + decisions.get(i).message());
            }
        }
        // host.yaml names VMs and none fits: a mistake in the file, whatever else there is to manage
        if (admitted.isEmpty()) {
            throw new IllegalStateException(cfg.vms().size() + " VMs configured, none admitted: their reservations and overheads ("
                    + Size.format(cfg.overheadPerVmBytes()) + " each) do not fit " + against + " (" + Size.format(machine) + ")");
        }
        return admitted;
    }
}
