package dev.memvisor.qemu.manager;

import dev.memvisor.core.settings.Setting;
import dev.memvisor.qemu.launch.RunDirectory;
import dev.memvisor.settings.PolicySettings;

import java.util.ArrayList;
import java.util.List;

/**
 * host.yaml as written: every key with its default here and its meaning and range in its
 * {@link Setting} (docs/configuration.md is generated from them). {@link HostConfig#load} binds the
 * file onto it and resolves it into a {@link HostConfig}.
 */
public final class HostFile {
    @Setting("the memory policy and its parameters, the same block as a scenario's")
    public PolicySettings policy = PolicySettings.defaults();
    @Setting(value = "control interval: collect, decide and act this often", unit = Setting.Unit.DURATION, range = "[100ms, 1d]",
            source = "ESX rebalances every 15 s")
    public String interval = "5s";
    @Setting(value = "free-memory check between intervals; a host memory state change decides at once", unit = Setting.Unit.DURATION,
            range = "[10ms, 1h]", zero = "off: a change is seen at the next interval")
    public String stateCheckInterval = "250ms";
    @Setting(value = "memory the guests may use together", unit = Setting.Unit.BYTES, range = "[64M, inf)", zero = "the host's MemTotal")
    public String budget = "0";
    @Setting(value = "hypervisor memory per VM the policy (and admission control) sets aside", unit = Setting.Unit.BYTES,
            range = "[0, inf)", source = "ESX: about 32 MB")
    public String overheadPerVm = "32M";
    @Setting(value = "Prometheus metrics on http://HOST:PORT/metrics", range = "[1, 65535]", zero = "off")
    public int metricsPort = 0;
    @Setting(value = "the address the metrics listen on (0.0.0.0 or :: = every interface)")
    public String metricsAddress = "127.0.0.1";
    @Setting(value = "the longest one VM's QMP exchange may take before the VM counts as unreachable this time; under the interval",
            unit = Setting.Unit.DURATION, range = "[10ms, 1h]", absent = "1s, or half the interval when that is shorter")
    public String qmpTimeout;
    @Setting(value = "decision log (JSON lines), relative to this file; empty: standard output")
    public String log = "";
    @Setting("Linux KSM, driven from the plan's page-sharing scan rate")
    public Ksm ksm = new Ksm();
    @Setting("a memory cgroup per VM (v1 or v2) carrying the plan's limits and hypervisor swap")
    public boolean cgroups = false;
    @Setting(value = "QEMU's memory above the VM's target its cgroup allows while the plan does not host-swap it",
            unit = Setting.Unit.BYTES, range = "[0, inf)")
    public String cgroupHeadroom = "256M";
    @Setting("QEMUs with their own QMP sockets, managed beside libvirt's domains and admitted in this order (reservations and"
            + " overheads must fit the budget or MemTotal); none: every QEMU found in runDir")
    public List<Vm> vms = new ArrayList<>();
    @Setting(value = "with no vms: every live QEMU with a QMP socket at runDir/NAME/qmp.sock is managed as VM NAME (the layout of"
            + " memvisor's guest launcher, migrate, scan and measure cpu)", absent = "$MEMVISOR_RUN_DIR, else " + RunDirectory.FALLBACK)
    public String runDir;
    @Setting("libvirt's domains: every running domain with a balloon device is managed, as it starts and stops")
    public Libvirt libvirt = new Libvirt();
    @Setting("the file where the manager publishes its latest decision for memvisor top (JSON, replaced at each decision,"
            + " removed on exit), relative to this file; empty: none")
    public String stateFile = "/run/memvisor/state.json";

    /** {@code ksm:}: whether and how the manager drives /sys/kernel/mm/ksm. */
    public static final class Ksm {
        @Setting("drive KSM's run and pages_to_scan from the plan's scan rate")
        public boolean manage = true;
        @Setting(value = "KSM's sleep_millisecs between scans; pages_to_scan = rate x sleep / 1000", range = "[1, 60000]",
                source = "Linux Documentation/admin-guide/mm/ksm.rst (default 20)")
        public int sleepMillis = 20;
    }

    /** {@code libvirt:}: whether and how the manager manages libvirt's domains. */
    public static final class Libvirt {
        @Setting("auto: manage libvirt's domains when libvirtd answers at start; true: manage them, waiting for libvirtd if it"
                + " does not answer yet; false: never")
        public String enabled = "auto";
        @Setting("libvirt's connection URI (a remote URI works without /proc figures: no KSM savings, no held memory)")
        public String uri = "qemu:///system";
        @Setting("settings of domains by name, over the domain's own (memvisor's <metadata>, memtune min_guarantee)")
        public List<Domain> domains = new ArrayList<>();
    }

    /** {@code libvirt.domains[]}: one domain's ESX-style memory settings, over what the domain says itself. */
    public static final class Domain {
        @Setting(value = "the domain's name (virsh list)", absent = Setting.REQUIRED)
        public String name;
        @Setting(value = "reservation: never ballooned below; counts against the budget at admission", unit = Setting.Unit.BYTES,
                range = "[0, inf)", absent = "memvisor's <metadata>, else memtune min_guarantee, else 0", source = "ESX")
        public String reservation;
        @Setting(value = "limit: never granted above; at most the domain's memory", unit = Setting.Unit.BYTES, range = "[1M, inf)",
                absent = "memvisor's <metadata>, else the domain's memory", source = "ESX")
        public String limit;
        @Setting(value = "shares: low, normal, high (5, 10, 20 per configured MiB) or a number > 0",
                absent = "memvisor's <metadata>, else normal", source = "ESX")
        public String shares;
        @Setting(value = "the manager may inflate this domain's balloon", absent = "memvisor's <metadata>, else true")
        public Boolean ballooning;
    }

    /** {@code vms[]}: one QEMU guest and its ESX-style memory settings. */
    public static final class Vm {
        @Setting(value = "the VM's name: letters, digits, '.', '_' or '-' (it names its memory cgroup)", absent = Setting.REQUIRED)
        public String name;
        @Setting(value = "path of its QEMU's QMP socket, relative to this file; one VM a socket", absent = Setting.REQUIRED)
        public String qmp;
        @Setting(value = "configured memory", unit = Setting.Unit.BYTES, range = "[1M, inf)", absent = "what QEMU reports")
        public String memory;
        @Setting(value = "reservation: never ballooned below; counts against the budget at admission", unit = Setting.Unit.BYTES,
                range = "[0, inf)", source = "ESX")
        public String reservation = "0";
        @Setting(value = "limit: never granted above; at most the memory", unit = Setting.Unit.BYTES, range = "[1M, inf)",
                absent = "the memory", source = "ESX")
        public String limit;
        @Setting(value = "shares: low, normal, high (5, 10, 20 per configured MiB) or a number > 0", source = "ESX")
        public String shares = "normal";
        @Setting("the manager may inflate this VM's balloon")
        public boolean ballooning = true;
    }
}
