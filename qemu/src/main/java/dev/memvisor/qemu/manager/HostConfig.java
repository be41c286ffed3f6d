package dev.memvisor.qemu.manager;

import dev.memvisor.core.admission.AdmissionControl;
import dev.memvisor.core.admission.AdmissionDecision;
import dev.memvisor.core.model.VmSettings;
import dev.memvisor.core.policy.PolicyConfig;
import dev.memvisor.core.unit.Durations;
import dev.memvisor.core.unit.Size;
import dev.memvisor.qemu.launch.RunDirectory;
import dev.memvisor.settings.PolicySettings;
import dev.memvisor.settings.SettingsException;
import dev.memvisor.settings.YamlDocument;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The manager's configuration (host.yaml), resolved: paths made absolute, sizes in bytes. Every key,
 * its default and range: {@link HostFile} (and docs/configuration.md, generated from it). The
 * {@code policy:} block is the same as a scenario's.
 *
 * @param policy             the policy name
 * @param policyConfig       the policy's parameters (the file's {@code policy:} block)
 * @param interval           the control interval
 * @param stateCheckInterval how often free memory is checked between intervals (a host state change decides at once); zero = off
 * @param budgetBytes        the guests' memory budget; 0 = MemTotal
 * @param overheadPerVmBytes per-VM overhead set aside by the policy
 * @param metricsPort        Prometheus port; 0 = off
 * @param metricsAddress     the address the metrics listen on
 * @param qmpTimeout         the longest one QMP exchange with a VM may take (well under the interval)
 * @param log                the decision log path, or null for standard output
 * @param manageKsm          whether the manager drives KSM's knobs
 * @param ksmSleepMillis     KSM's sleep between scans when the manager drives it
 * @param cgroups            whether each VM gets a memory cgroup carrying its limit
 * @param cgroupHeadroomBytes QEMU's own memory above the VM's target allowed by its cgroup while the plan does not host-swap it
 * @param vms                the QEMUs of host.yaml, managed over their QMP sockets (none: those found in {@code runDir})
 * @param runDir             where QEMUs started by memvisor's launcher are found when {@code vms} is empty
 * @param libvirt            whether and how libvirt's domains are managed
 * @param stateFile          where the manager publishes its latest decision for {@code memvisor top}, or null
 */
public record HostConfig(String policy, PolicyConfig policyConfig, Duration interval, Duration stateCheckInterval, long budgetBytes,
                         long overheadPerVmBytes, int metricsPort, String metricsAddress, Duration qmpTimeout, Path log,
                         boolean manageKsm, long ksmSleepMillis, boolean cgroups, long cgroupHeadroomBytes, List<VmConfig> vms,
                         Path runDir, LibvirtConfig libvirt, Path stateFile) {

    /** The default {@link #stateCheckInterval()}: cheap enough to run often, short against a 5 s interval. */
    public static final Duration DEFAULT_STATE_CHECK = Durations.parse(new HostFile().stateCheckInterval);
    /** The default {@link #metricsAddress()}: this host only; scrapers elsewhere need it opened on purpose. */
    public static final String DEFAULT_METRICS_ADDRESS = new HostFile().metricsAddress;
    /** The default {@link #qmpTimeout()}: a healthy QEMU answers in milliseconds, and 1 s is well under the 5 s interval. */
    public static final Duration DEFAULT_QMP_TIMEOUT = Duration.ofSeconds(1);
    /** The default {@link #stateFile()}: under /run, which systemd's RuntimeDirectory=memvisor makes and removes. */
    public static final Path DEFAULT_STATE_FILE = Path.of(new HostFile().stateFile);
    /** Where {@code memvisor run} reads its settings when no --config is given and this file exists. */
    public static final Path SYSTEM_FILE = Path.of("/etc/memvisor/host.yaml");

    /** Validates the state check interval and the QMP timeout (the file's other values are checked where it is read). */
    public HostConfig {
        if (stateCheckInterval == null || stateCheckInterval.isNegative())
            throw new ConfigException("stateCheckInterval: got " + stateCheckInterval + ", expected zero (off) or a positive duration");
        if (policyConfig == null) throw new ConfigException("policyConfig: got nothing, expected the policy's parameters");
        if (qmpTimeout == null || qmpTimeout.toMillis() < 10 || qmpTimeout.compareTo(interval) >= 0)
            throw new ConfigException("qmpTimeout: got " + (qmpTimeout == null ? null : qmpTimeout.toMillis() + "ms")
                    + ", expected at least 10ms and under the interval (" + interval.toMillis() + "ms), so a hung QEMU costs less than a decision");
        vms = List.copyOf(vms);
        if (runDir == null) runDir = RunDirectory.defaultPath();
        if (libvirt == null) libvirt = LibvirtConfig.DEFAULT;
    }

    /** A configuration of QEMUs only: the default run directory, libvirt not managed, no state file. */
    public HostConfig(String policy, PolicyConfig policyConfig, Duration interval, Duration stateCheckInterval, long budgetBytes,
                      long overheadPerVmBytes, int metricsPort, String metricsAddress, Duration qmpTimeout, Path log,
                      boolean manageKsm, long ksmSleepMillis, boolean cgroups, long cgroupHeadroomBytes, List<VmConfig> vms) {
        this(policy, policyConfig, interval, stateCheckInterval, budgetBytes, overheadPerVmBytes, metricsPort, metricsAddress, qmpTimeout,
                log, manageKsm, ksmSleepMillis, cgroups, cgroupHeadroomBytes, vms, null, LibvirtConfig.OFF, null);
    }

    /** A configuration with the default policy parameters. */
    public HostConfig(String policy, Duration interval, Duration stateCheckInterval, long budgetBytes, long overheadPerVmBytes,
                      int metricsPort, String metricsAddress, Duration qmpTimeout, Path log, boolean manageKsm, long ksmSleepMillis,
                      boolean cgroups, long cgroupHeadroomBytes, List<VmConfig> vms) {
        this(policy, PolicyConfig.defaults(), interval, stateCheckInterval, budgetBytes, overheadPerVmBytes, metricsPort, metricsAddress,
                qmpTimeout, log, manageKsm, ksmSleepMillis, cgroups, cgroupHeadroomBytes, vms);
    }

    /** A configuration with these policy parameters and the default metrics address and QMP timeout. */
    public HostConfig(String policy, PolicyConfig policyConfig, Duration interval, Duration stateCheckInterval, long budgetBytes,
                      long overheadPerVmBytes, int metricsPort, Path log, boolean manageKsm, long ksmSleepMillis, boolean cgroups,
                      long cgroupHeadroomBytes, List<VmConfig> vms) {
        this(policy, policyConfig, interval, stateCheckInterval, budgetBytes, overheadPerVmBytes, metricsPort, DEFAULT_METRICS_ADDRESS,
                defaultQmpTimeout(interval), log, manageKsm, ksmSleepMillis, cgroups, cgroupHeadroomBytes, vms);
    }

    /** A configuration with the default policy parameters, metrics address and QMP timeout. */
    public HostConfig(String policy, Duration interval, Duration stateCheckInterval, long budgetBytes, long overheadPerVmBytes,
                      int metricsPort, Path log, boolean manageKsm, long ksmSleepMillis, boolean cgroups, long cgroupHeadroomBytes,
                      List<VmConfig> vms) {
        this(policy, PolicyConfig.defaults(), interval, stateCheckInterval, budgetBytes, overheadPerVmBytes, metricsPort, log, manageKsm,
                ksmSleepMillis, cgroups, cgroupHeadroomBytes, vms);
    }

    /** The default QMP timeout for an interval: {@link #DEFAULT_QMP_TIMEOUT}, at most half the interval. */
    public static Duration defaultQmpTimeout(Duration interval) {
        Duration half = interval.dividedBy(2);
        return half.compareTo(DEFAULT_QMP_TIMEOUT) < 0 ? half : DEFAULT_QMP_TIMEOUT;
    }

    /** A configuration with the default policy parameters and the default {@link #DEFAULT_STATE_CHECK state check}. */
    public HostConfig(String policy, Duration interval, long budgetBytes, long overheadPerVmBytes, int metricsPort,
                      Path log, boolean manageKsm, long ksmSleepMillis, boolean cgroups, long cgroupHeadroomBytes,
                      List<VmConfig> vms) {
        this(policy, interval, DEFAULT_STATE_CHECK, budgetBytes, overheadPerVmBytes, metricsPort, log, manageKsm,
                ksmSleepMillis, cgroups, cgroupHeadroomBytes, vms);
    }

    /**
     * Reads and validates a host.yaml; relative paths are resolved against its directory.
     *
     * @throws ConfigException naming the file, the line, the key (and the VM)
     */
    public static HostConfig load(Path file) {
        return load(file, List.of());
    }

    /**
     * Reads a host.yaml and applies {@code PATH=VALUE} overrides (as {@code --set policy.idleTax=0.5}).
     *
     * @throws ConfigException naming the file, the line (or the override), the key (and the VM)
     */
    public static HostConfig load(Path file, List<String> overrides) {
        YamlDocument doc;
        try {
            doc = YamlDocument.read(file);
        } catch (SettingsException e) {
            throw new ConfigException(e.getMessage());
        }
        return resolve(doc, file.toAbsolutePath().getParent(), overrides);
    }

    /** The configuration with every key at its default, then {@code overrides}: {@code memvisor run} without a host.yaml. */
    public static HostConfig defaults(List<String> overrides) {
        return parse(new byte[0], "(no host.yaml: the defaults)", Path.of("").toAbsolutePath(), overrides);
    }

    /** Parses a host.yaml's bytes; {@code name} names it in messages, {@code baseDir} resolves relative paths. */
    public static HostConfig parse(byte[] bytes, String name, Path baseDir, List<String> overrides) {
        YamlDocument doc;
        try {
            doc = YamlDocument.parse(bytes, name);
        } catch (SettingsException e) {
            throw new ConfigException(e.getMessage());
        }
        return resolve(doc, baseDir.toAbsolutePath(), overrides);
    }

    private static HostConfig resolve(YamlDocument doc, Path base, List<String> overrides) {
        HostFile f;
        try {
            PolicySettings.expandShorthand(doc);
            for (String o : overrides) doc.set(o);
            f = doc.bind(HostFile.class);
            // "vms:" with nothing after it is YAML's null: no VMs, as an empty list
            if (f.vms == null) f.vms = List.of();
            if (f.policy == null) throw doc.error("policy", "expected a policy name or a mapping such as {name: esx, idleTax: 0.5}");
            if (f.ksm == null) throw doc.error("ksm", "expected a mapping such as {manage: true, sleepMillis: 20}");
            List<VmConfig> vms = new ArrayList<>();
            Map<String, Integer> names = new HashMap<>();
            Map<Path, Integer> sockets = new HashMap<>();
            for (int i = 0; i < f.vms.size(); i++) vms.add(vm(doc, base, f.vms, i, names, sockets));
            Duration interval = Durations.parse(f.interval);
            if (f.metricsAddress == null || f.metricsAddress.isBlank()) {
                throw doc.error("metricsAddress", "expected an address such as 127.0.0.1 or 0.0.0.0");
            }
            Duration qmpTimeout = f.qmpTimeout == null || f.qmpTimeout.isBlank() ? defaultQmpTimeout(interval) : Durations.parse(f.qmpTimeout);
            if (qmpTimeout.compareTo(interval) >= 0) {
                throw doc.error("qmpTimeout", "got " + f.qmpTimeout + ", expected under the interval (" + f.interval
                        + "), so a hung QEMU costs less than a decision");
            }
            return new HostConfig(f.policy.name(), f.policy.config(), interval, Durations.parse(f.stateCheckInterval),
                    Size.parse(f.budget), Size.parse(f.overheadPerVm), f.metricsPort, f.metricsAddress.trim(), qmpTimeout,
                    f.log == null || f.log.isBlank() ? null : base.resolve(f.log), f.ksm.manage, f.ksm.sleepMillis, f.cgroups,
                    Size.parse(f.cgroupHeadroom), vms, f.runDir == null || f.runDir.isBlank() ? null : base.resolve(f.runDir).normalize(),
                    libvirt(doc, f.libvirt), f.stateFile == null || f.stateFile.isBlank() ? null : base.resolve(f.stateFile));
        } catch (SettingsException e) {
            throw new ConfigException(withVmName(doc, e).getMessage());
        }
    }

    private static VmConfig vm(YamlDocument doc, Path base, List<HostFile.Vm> all, int i, Map<String, Integer> names, Map<Path, Integer> sockets) {
        HostFile.Vm v = all.get(i);
        String p = "vms[" + i + "]";
        if (v.name == null || v.name.isBlank()) throw doc.error(p + ".name", "name is missing");
        // the name becomes a cgroup directory: no '/', no '..'
        if (!v.name.matches("[A-Za-z0-9_.-]+") || v.name.matches("\\.+")) {
            throw doc.error(p + ".name", "got '" + v.name + "', expected letters, digits, '.', '_' or '-'");
        }
        Integer first = names.putIfAbsent(v.name, i);
        if (first != null) throw doc.error(p + ".name", "a second VM named " + v.name + " (the first is vms[" + first + "])");
        if (v.qmp == null || v.qmp.isBlank()) throw doc.error(p + ".qmp", "qmp is missing (the path of the VM's QMP socket)");
        Path qmp = base.resolve(v.qmp).normalize();
        Integer same = sockets.putIfAbsent(qmp, i);
        if (same != null) {
            throw doc.error(p + ".qmp", qmp + " is also the socket of vms[" + same + "] (" + all.get(same).name + "); one VM a socket");
        }
        long memory = v.memory == null || v.memory.isBlank() ? -1 : Size.parse(v.memory);
        long reservation = Size.parse(v.reservation);
        long limit = v.limit == null || v.limit.isBlank() ? -1 : Size.parse(v.limit);
        if (memory > 0 && reservation > memory) {
            throw doc.error(p + ".reservation", "reservation " + Size.format(reservation) + " exceeds memory " + Size.format(memory));
        }
        if (memory > 0 && limit > memory) throw doc.error(p + ".limit", "limit " + Size.format(limit) + " exceeds memory " + Size.format(memory));
        if (limit >= 0 && reservation > limit) {
            throw doc.error(p + ".reservation", "reservation " + Size.format(reservation) + " exceeds limit " + Size.format(limit));
        }
        String shares = v.shares == null ? "" : v.shares;
        if (!shares.matches("(?i)low|normal|high|[1-9][0-9]{0,17}")) {
            throw doc.error(p + ".shares", "got '" + shares + "', expected low, normal, high or a number > 0");
        }
        return new VmConfig(v.name, qmp, memory, reservation, limit, shares, v.ballooning);
    }

    private static LibvirtConfig libvirt(YamlDocument doc, HostFile.Libvirt l) {
        if (l == null) throw doc.error("libvirt", "expected a mapping such as {enabled: auto, uri: qemu:///system}");
        LibvirtConfig.Mode mode;
        try {
            mode = LibvirtConfig.Mode.parse(l.enabled);
        } catch (IllegalArgumentException e) {
            throw doc.error("libvirt.enabled", e.getMessage());
        }
        if (l.uri == null || l.uri.isBlank()) throw doc.error("libvirt.uri", "expected a libvirt URI such as qemu:///system");
        List<HostFile.Domain> given = l.domains == null ? List.of() : l.domains;
        List<DomainConfig> domains = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        for (int i = 0; i < given.size(); i++) {
            HostFile.Domain d = given.get(i);
            String p = "libvirt.domains[" + i + "]";
            if (d.name == null || d.name.isBlank()) throw doc.error(p + ".name", "name is missing (the domain's name, as virsh list shows it)");
            Integer first = names.putIfAbsent(d.name, i);
            if (first != null) throw doc.error(p + ".name", "a second entry for domain " + d.name + " (the first is libvirt.domains[" + first + "])");
            OptionalLong reservation = d.reservation == null || d.reservation.isBlank() ? OptionalLong.empty() : OptionalLong.of(Size.parse(d.reservation));
            OptionalLong limit = d.limit == null || d.limit.isBlank() ? OptionalLong.empty() : OptionalLong.of(Size.parse(d.limit));
            if (reservation.isPresent() && limit.isPresent() && reservation.getAsLong() > limit.getAsLong()) {
                throw doc.error(p + ".reservation", "reservation " + Size.format(reservation.getAsLong()) + " exceeds limit " + Size.format(limit.getAsLong()));
            }
            if (d.shares != null && !d.shares.matches("(?i)low|normal|high|[1-9][0-9]{0,17}")) {
                throw doc.error(p + ".shares", "got '" + d.shares + "', expected low, normal, high or a number > 0");
            }
            domains.add(new DomainConfig(d.name, reservation, limit, Optional.ofNullable(d.shares).map(x -> x.toLowerCase(java.util.Locale.ROOT)),
                    Optional.ofNullable(d.ballooning)));
        }
        return new LibvirtConfig(mode, l.uri.trim(), domains);
    }

    /** Names the VM of a {@code vms[i]} key, so a long file's mistake is found by name as well as by line. */
    private static SettingsException withVmName(YamlDocument doc, SettingsException e) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(vms|libvirt\\.domains)\\[(\\d+)]").matcher(e.key());
        if (!m.find()) return e;
        var vms = m.group(1).equals("vms") ? doc.root().get("vms") : doc.root().path("libvirt").get("domains");
        var vm = vms == null || !vms.isArray() ? null : vms.get(Integer.parseInt(m.group(2)));
        var name = vm == null ? null : vm.get("name");
        if (name == null || !name.isTextual() || name.asText().isBlank()) return e;
        return new SettingsException(e.file(), e.line(), e.setBy(), e.key() + " (" + name.asText() + ")", e.detail());
    }

    /** A copy with another log path. */
    public HostConfig withLog(Path p) {
        return new HostConfig(policy, policyConfig, interval, stateCheckInterval, budgetBytes, overheadPerVmBytes, metricsPort, metricsAddress,
                qmpTimeout, p, manageKsm, ksmSleepMillis, cgroups, cgroupHeadroomBytes, vms, runDir, libvirt, stateFile);
    }

    /** A copy managing only these VMs (those admission control admitted, or those found in the run directory). */
    public HostConfig withVms(List<VmConfig> admitted) {
        return new HostConfig(policy, policyConfig, interval, stateCheckInterval, budgetBytes, overheadPerVmBytes, metricsPort, metricsAddress,
                qmpTimeout, log, manageKsm, ksmSleepMillis, cgroups, cgroupHeadroomBytes, admitted, runDir, libvirt, stateFile);
    }

    /** A copy that neither drives KSM nor makes memory cgroups: what a dry run observes with (it must change nothing). */
    public HostConfig withoutActuators() {
        return new HostConfig(policy, policyConfig, interval, stateCheckInterval, budgetBytes, overheadPerVmBytes, metricsPort, metricsAddress,
                qmpTimeout, log, false, ksmSleepMillis, false, cgroupHeadroomBytes, vms, runDir, libvirt, stateFile);
    }

    /** A copy with this libvirt block. */
    public HostConfig withLibvirt(LibvirtConfig l) {
        return new HostConfig(policy, policyConfig, interval, stateCheckInterval, budgetBytes, overheadPerVmBytes, metricsPort, metricsAddress,
                qmpTimeout, log, manageKsm, ksmSleepMillis, cgroups, cgroupHeadroomBytes, vms, runDir, l, stateFile);
    }

    /**
     * Admission control at start: the VMs in file order, each admitted while every admitted VM's
     * reservation plus {@link #overheadPerVmBytes()} fits {@code machineBytes} (the budget, or MemTotal).
     * A refused VM does not count against later ones. Only reservations count, so a VM whose size
     * QEMU has not told yet is admitted on its reservation alone.
     *
     * @return one decision per VM, in the order of {@link #vms()}
     */
    public List<AdmissionDecision> admit(long machineBytes) {
        List<VmSettings> settings = new ArrayList<>();
        for (VmConfig v : vms) {
            long configured = v.memoryBytes() > 0 ? v.memoryBytes() : Math.max(Math.max(v.reservationBytes(), v.limitBytes()), Size.KIB * 4);
            settings.add(v.settings(configured));
        }
        return new AdmissionControl(machineBytes, overheadPerVmBytes).admitInOrder(settings);
    }
}
