package dev.memvisor.qemu.manager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.memvisor.core.unit.Size;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The manager's configuration (host.yaml). Every key with its default:
 * <pre>
 * policy: esx            # a name from `memvisor policies`
 * interval: 5s           # control interval
 * stateCheckInterval: 250ms # how often free memory is checked between intervals; a state change decides at once; 0 = off
 * budget: 0              # memory the guests may use together; 0 = the host's MemTotal
 * overheadPerVm: 32M     # hypervisor memory per VM the policy sets aside
 * metricsPort: 0         # Prometheus metrics on this port; 0 = off
 * metricsAddress: 127.0.0.1 # the address the metrics listen on (0.0.0.0 = every interface)
 * qmpTimeout: 1s         # the longest one VM's QMP exchange may take before the VM counts as unreachable this time
 * log: ""                # decision log (JSON lines); "" = standard output
 * ksm: {manage: true, sleepMillis: 20}
 * cgroups: false         # a memory cgroup per VM: limit target + cgroupHeadroom, or target + overheadPerVm to host-swap (CgroupSetting)
 * cgroupHeadroom: 256M
 * vms:                   # name, qmp required; memory (default: asked from QEMU), reservation (0),
 *   - {name: a, qmp: /run/a.qmp, memory: 256M, reservation: 64M, limit: 256M, shares: normal, ballooning: true}
 * </pre>
 *
 * @param policy          the policy name
 * @param interval        the control interval
 * @param stateCheckInterval how often free memory is checked between intervals (a host state change decides at once); zero = off
 * @param budgetBytes     the guests' memory budget; 0 = MemTotal
 * @param overheadPerVmBytes per-VM overhead set aside by the policy
 * @param metricsPort     Prometheus port; 0 = off
 * @param metricsAddress  the address the metrics listen on
 * @param qmpTimeout      the longest one QMP exchange with a VM may take (well under the interval)
 * @param log             the decision log path, or null for standard output
 * @param manageKsm       whether the manager drives KSM's knobs
 * @param ksmSleepMillis  KSM's sleep between scans when the manager drives it
 * @param cgroups         whether each VM gets a memory cgroup carrying its limit
 * @param cgroupHeadroomBytes QEMU's own memory above the VM's target allowed by its cgroup while the plan does not host-swap it
 * @param vms             the managed VMs
 */
public record HostConfig(String policy, Duration interval, Duration stateCheckInterval, long budgetBytes, long overheadPerVmBytes, int metricsPort,
                         String metricsAddress, Duration qmpTimeout, Path log, boolean manageKsm, long ksmSleepMillis, boolean cgroups,
                         long cgroupHeadroomBytes, List<VmConfig> vms) {

    /** The default {@link #stateCheckInterval()}: cheap enough to run often, short against a 5 s interval. */
    public static final Duration DEFAULT_STATE_CHECK = Duration.ofMillis(250);
    /** The default {@link #metricsAddress()}: this host only; scrapers elsewhere need it opened on purpose. */
    public static final String DEFAULT_METRICS_ADDRESS = "127.0.0.1";
    /** The default {@link #qmpTimeout()}: a healthy QEMU answers in milliseconds, and 1 s is well under the 5 s interval. */
    public static final Duration DEFAULT_QMP_TIMEOUT = Duration.ofSeconds(1);

    private static final Set<String> TOP = Set.of("policy", "interval", "stateCheckInterval", "budget", "overheadPerVm", "metricsPort",
            "metricsAddress", "qmpTimeout", "log", "ksm", "cgroups", "cgroupHeadroom", "vms");
    private static final Set<String> VM = Set.of("name", "qmp", "memory", "reservation", "limit", "shares", "ballooning");
    private static final Set<String> KSM = Set.of("manage", "sleepMillis");

    /** Validates the state check interval and the QMP timeout (the interval itself is checked where it is read). */
    public HostConfig {
        if (stateCheckInterval == null || stateCheckInterval.isNegative())
            throw new ConfigException("stateCheckInterval: got " + stateCheckInterval + ", expected zero (off) or a positive duration");
        if (qmpTimeout == null || qmpTimeout.toMillis() < 10 || qmpTimeout.compareTo(interval) >= 0)
            throw new ConfigException("qmpTimeout: got " + (qmpTimeout == null ? null : qmpTimeout.toMillis() + "ms")
                    + ", expected at least 10ms and under the interval (" + interval.toMillis() + "ms)");
    }

    /** A configuration with the default state check, metrics address and QMP timeout. */
    public HostConfig(String policy, Duration interval, long budgetBytes, long overheadPerVmBytes, int metricsPort,
                      Path log, boolean manageKsm, long ksmSleepMillis, boolean cgroups, long cgroupHeadroomBytes,
                      List<VmConfig> vms) {
        this(policy, interval, DEFAULT_STATE_CHECK, budgetBytes, overheadPerVmBytes, metricsPort, log, manageKsm,
                ksmSleepMillis, cgroups, cgroupHeadroomBytes, vms);
    }

    /** A configuration with the default metrics address and QMP timeout (at most half the interval). */
    public HostConfig(String policy, Duration interval, Duration stateCheckInterval, long budgetBytes, long overheadPerVmBytes,
                      int metricsPort, Path log, boolean manageKsm, long ksmSleepMillis, boolean cgroups, long cgroupHeadroomBytes,
                      List<VmConfig> vms) {
        this(policy, interval, stateCheckInterval, budgetBytes, overheadPerVmBytes, metricsPort, DEFAULT_METRICS_ADDRESS,
                defaultQmpTimeout(interval), log, manageKsm, ksmSleepMillis, cgroups, cgroupHeadroomBytes, vms);
    }

    /** The default QMP timeout for an interval: {@link #DEFAULT_QMP_TIMEOUT}, at most half the interval. */
    static Duration defaultQmpTimeout(Duration interval) {
        Duration half = interval.dividedBy(2);
        return half.compareTo(DEFAULT_QMP_TIMEOUT) < 0 ? half : DEFAULT_QMP_TIMEOUT;
    }

    /**
     * Reads and validates a host.yaml; relative paths are resolved against its directory.
     *
     * @throws ConfigException naming the file, the VM and the field
     */
    public static HostConfig load(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            var loc = e.getLocation();
            throw new ConfigException(file + (loc == null ? "" : ":" + loc.getLineNr()) + ": not valid YAML: "
                    + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject()) throw new ConfigException(file + ": expected a mapping with at least 'vms'");
        Path base = file.toAbsolutePath().getParent();
        String f = file.toString();
        unknown(f, "", root, TOP);
        JsonNode ksm = root.path("ksm");
        if (!ksm.isMissingNode()) unknown(f, "ksm.", ksm, KSM);
        JsonNode vmsNode = root.path("vms");
        if (!vmsNode.isArray() || vmsNode.isEmpty()) throw new ConfigException(f + ": vms: expected a list of VMs with name and qmp");
        List<VmConfig> vms = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < vmsNode.size(); i++) {
            JsonNode v = vmsNode.get(i);
            String where = f + ": vms[" + i + "]";
            if (!v.isObject()) throw new ConfigException(where + ": expected a mapping with name and qmp");
            String name = v.path("name").asText("");
            if (name.isBlank()) throw new ConfigException(where + ": name is missing");
            where += " (" + name + ")";
            if (!names.add(name)) throw new ConfigException(where + ": a second VM named " + name);
            unknown(where, "", v, VM);
            String qmp = v.path("qmp").asText("");
            if (qmp.isBlank()) throw new ConfigException(where + ": qmp is missing (the path of the VM's QMP socket)");
            long memory = size(where, v, "memory", -1);
            long reservation = size(where, v, "reservation", 0);
            long limit = size(where, v, "limit", -1);
            if (memory > 0 && reservation > memory) throw new ConfigException(where + ": reservation " + Size.format(reservation) + " exceeds memory " + Size.format(memory));
            if (limit >= 0 && reservation > limit) throw new ConfigException(where + ": reservation " + Size.format(reservation) + " exceeds limit " + Size.format(limit));
            String shares = v.path("shares").asText("normal");
            if (!shares.matches("(?i)low|normal|high|[1-9][0-9]*")) throw new ConfigException(where + ": shares: got '" + shares + "', expected low, normal, high or a number > 0");
            vms.add(new VmConfig(name, base.resolve(qmp), memory, reservation, limit, shares, bool(where, v, "ballooning", true)));
        }
        Duration interval = duration(f, root, "interval", Duration.ofSeconds(5), 100, false);
        Duration stateCheck = duration(f, root, "stateCheckInterval", DEFAULT_STATE_CHECK, 10, true);
        int port = root.path("metricsPort").asInt(0);
        if (port < 0 || port > 65535) throw new ConfigException(f + ": metricsPort: got " + port + ", expected 0-65535");
        String metricsAddress = root.path("metricsAddress").asText(DEFAULT_METRICS_ADDRESS).trim();
        if (metricsAddress.isEmpty()) throw new ConfigException(f + ": metricsAddress: expected an address such as 127.0.0.1 or 0.0.0.0");
        Duration qmpTimeout = duration(f, root, "qmpTimeout", defaultQmpTimeout(interval), 10, false);
        if (qmpTimeout.compareTo(interval) >= 0) {
            throw new ConfigException(f + ": qmpTimeout: got " + qmpTimeout.toMillis() + "ms, expected under the interval ("
                    + interval.toMillis() + "ms), so a hung QEMU costs less than a decision");
        }
        String log = root.path("log").asText("");
        return new HostConfig(root.path("policy").asText("esx"), interval, stateCheck, size(f, root, "budget", 0),
                size(f, root, "overheadPerVm", 32 * Size.MIB), port, metricsAddress, qmpTimeout, log.isBlank() ? null : base.resolve(log),
                bool(f + ": ksm", ksm, "manage", true), ksm.path("sleepMillis").asLong(20),
                bool(f, root, "cgroups", false), size(f, root, "cgroupHeadroom", 256 * Size.MIB), vms);
    }

    /** A copy with another log path. */
    public HostConfig withLog(Path p) {
        return new HostConfig(policy, interval, stateCheckInterval, budgetBytes, overheadPerVmBytes, metricsPort, metricsAddress, qmpTimeout,
                p, manageKsm, ksmSleepMillis, cgroups, cgroupHeadroomBytes, vms);
    }

    private static void unknown(String where, String prefix, JsonNode node, Set<String> known) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) throw new ConfigException(where + ": unknown key '" + prefix + k + "', expected one of " + new java.util.TreeSet<>(known));
        }
    }

    private static long size(String where, JsonNode n, String key, long dflt) {
        JsonNode v = n.path(key);
        if (v.isMissingNode() || v.isNull()) return dflt;
        try {
            return Size.parse(v.asText());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + ": " + key + ": " + e.getMessage());
        }
    }

    private static boolean bool(String where, JsonNode n, String key, boolean dflt) {
        JsonNode v = n.path(key);
        if (v.isMissingNode() || v.isNull()) return dflt;
        if (!v.isBoolean()) throw new ConfigException(where + ": " + key + ": got '" + v.asText() + "', expected true or false");
        return v.asBoolean();
    }

    /** A duration such as 5s, 500ms, 1m or plain seconds; at least {@code minMillis}, or zero where {@code zeroAllowed}. */
    private static Duration duration(String where, JsonNode n, String key, Duration dflt, long minMillis, boolean zeroAllowed) {
        JsonNode v = n.path(key);
        if (v.isMissingNode() || v.isNull()) return dflt;
        String t = v.asText().trim();
        try {
            Duration d;
            if (t.endsWith("ms")) d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            else if (t.endsWith("s")) d = Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
            else if (t.endsWith("m")) d = Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 60);
            else d = Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
            if (zeroAllowed && d.isZero()) return d;
            if (d.toMillis() < minMillis) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException e) {
            throw new ConfigException(where + ": " + key + ": got '" + t + "', expected a duration of at least " + minMillis
                    + "ms such as 5s, 500ms or 1m" + (zeroAllowed ? ", or 0 for off" : ""));
        }
    }
}
