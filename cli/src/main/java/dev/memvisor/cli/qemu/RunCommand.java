package dev.memvisor.cli.qemu;

import dev.memvisor.core.admission.AdmissionDecision;
import dev.memvisor.core.policy.MemoryPolicy;
import dev.memvisor.core.policy.PolicyConfig;
import dev.memvisor.core.policy.PolicyRegistry;
import dev.memvisor.core.control.Trigger;
import dev.memvisor.qemu.manager.DecisionJson;
import dev.memvisor.qemu.manager.HostConfig;
import dev.memvisor.qemu.manager.HostPaths;
import dev.memvisor.qemu.manager.ManagerLoop;
import dev.memvisor.qemu.manager.ManagerMetrics;
import dev.memvisor.qemu.manager.VmConfig;
import dev.memvisor.qemu.collect.MemInfo;
import dev.memvisor.core.unit.Size;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

/** {@code memvisor run}: the real manager's control loop over this host's QEMU guests. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the memory manager on this host's QEMU guests: every interval observe, decide with a core"
                + " policy, bound the plan and carry out its actions (balloons, KSM, memory cgroups). One JSON line per decision;"
                + " SIGTERM stops it, restores KSM's settings and leaves the guests running.")
public final class RunCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--config", required = true, description = "The host.yaml (see README, section Real hosts).")
    Path config;

    @Option(names = "--log", description = "Write the decision log here instead of the config's log (or standard output).")
    Path log;

    @Option(names = "--policy", paramLabel = "NAME", description = "Shortcut for --set policy.name=NAME.")
    String policy;

    @Option(names = "--set", paramLabel = "PATH=VALUE",
            description = "Override a host.yaml key, e.g. --set policy.idleTax=0.5 or --set interval=2s; repeatable.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--intervals", description = "Stop after this many regular intervals (decisions on state changes between"
            + " them are logged but not counted; default: run until SIGTERM).")
    int intervals;

    @Override
    public Integer call() {
        for (String o : overrides) {
            if (o.indexOf('=') <= 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--set " + o + ": expected PATH=VALUE, e.g. --set policy.idleTax=0.5");
            }
        }
        List<String> sets = new ArrayList<>(overrides);
        if (policy != null) sets.add("policy.name=" + policy);
        HostConfig cfg = HostConfig.load(config, sets);
        if (log != null) cfg = cfg.withLog(log);
        HostPaths paths = HostPaths.system();
        cfg = admitted(cfg, paths);
        String name = cfg.policy();
        PolicyConfig policyConfig = cfg.policyConfig();
        MemoryPolicy p = PolicyRegistry.create(name, policyConfig);
        PrintStream out = openLog(cfg.log());
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            synchronized (stop) {
                stop.set(true);
                stop.notifyAll();
            }
            try {
                // let the current interval finish and the log be closed, but never hold the JVM forever
                stopped.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "memvisor-run-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        int[] count = {0};
        java.util.function.Consumer<String> events = line -> System.err.println("memvisor run: " + line);
        try (ManagerMetrics metrics = new ManagerMetrics(cfg.metricsAddress(), cfg.metricsPort(), events);
             ManagerLoop loop = new ManagerLoop(cfg, p, policyConfig, paths, d -> {
                 out.println(DecisionJson.line(d, name, Instant.now()));
                 out.flush();
                 metrics.record(d);
                 if (intervals > 0 && d.trigger() == Trigger.INTERVAL && ++count[0] >= intervals) {
                     synchronized (stop) {
                         stop.set(true);
                     }
                 }
             }, events)) {
            System.err.println("memvisor run: managing " + cfg.vms().size() + " VMs with policy " + name + " every "
                    + cfg.interval().toMillis() + " ms" + (cfg.stateCheckInterval().isZero() ? ""
                    : ", checking the host memory state every " + cfg.stateCheckInterval().toMillis() + " ms") + (metrics.port() > 0 ? ", metrics on http://" + cfg.metricsAddress() + ":" + metrics.port() + "/metrics" : ""));
            loop.run(stop);
            System.err.println("memvisor run: stopped; guests left running");
        } finally {
            if (out != System.out) out.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down (SIGTERM): the hook is running and waits for the latch
            }
            stopped.countDown();
        }
        return 0;
    }

    /**
     * Admission control at start: the configured VMs in order against the budget (or MemTotal); a VM
     * whose reservation and overhead do not fit is not managed, and stderr says why.
     */
    private static HostConfig admitted(HostConfig cfg, HostPaths paths) {
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
                System.err.println("memvisor run: vm " + cfg.vms().get(i).name() + ": not managed: admission control against "
                        + against + " (" + Size.format(machine) + "): " + decisions.get(i).message());
            }
        }
        if (admitted.isEmpty()) {
            throw new IllegalStateException(cfg.vms().size() + " VMs configured, none admitted: their reservations and overheads ("
                    + Size.format(cfg.overheadPerVmBytes()) + " each) do not fit " + against + " (" + Size.format(machine) + ")");
        }
        return cfg.withVms(admitted);
    }

    private static PrintStream openLog(Path p) {
        if (p == null) return System.out;
        try {
            if (p.getParent() != null) Files.createDirectories(p.getParent());
            return new PrintStream(Files.newOutputStream(p, StandardOpenOption.CREATE, StandardOpenOption.APPEND), true,
                    java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the decision log " + p + ": " + e.getMessage(), e);
        }
    }
}
