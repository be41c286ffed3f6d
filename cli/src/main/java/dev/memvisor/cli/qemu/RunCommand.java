package dev.memvisor.cli.qemu;

import dev.memvisor.core.policy.MemoryPolicy;
import dev.memvisor.core.policy.PolicyConfig;
import dev.memvisor.core.policy.PolicyRegistry;
import dev.memvisor.core.control.Trigger;
import dev.memvisor.qemu.manager.DecisionJson;
import dev.memvisor.qemu.manager.HostConfig;
import dev.memvisor.qemu.manager.HostPaths;
import dev.memvisor.qemu.manager.ManagerLoop;
import dev.memvisor.qemu.manager.ManagerMetrics;
import dev.memvisor.qemu.manager.StateFile;
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

/**
 * {@code memvisor run}: the real manager's control loop over this host's guests: host.yaml's QEMUs (or
 * those found in the run directory) and libvirt's domains, with no configuration needed.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the memory manager on this host's guests: libvirt's domains with a balloon device and the QEMUs of"
                + " host.yaml (or, with no vms:, those with a QMP socket in the run directory). Every interval it observes, decides with a"
                + " core policy, bounds the plan and carries out its actions (balloons, KSM, memory limits). One JSON line per decision;"
                + " SIGTERM stops it, restores KSM's settings and leaves the guests running.")
public final class RunCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "The host.yaml (see README, section Real hosts); default: /etc/memvisor/host.yaml when it exists, else every key at its default.")
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

    @Option(names = "--dry-run", description = "Observe and decide as usual and log the actions as planned, but carry none out:"
            + " no balloon, memory limit or KSM knob changes.")
    boolean dryRun;

    @Override
    public Integer call() {
        for (String o : overrides) {
            if (o.indexOf('=') <= 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--set " + o + ": expected PATH=VALUE, e.g. --set policy.idleTax=0.5");
            }
        }
        if (intervals < 0) throw new CommandLine.ParameterException(spec.commandLine(), "--intervals must be >= 0, got " + intervals);
        List<String> sets = new ArrayList<>(overrides);
        if (policy != null) sets.add("policy.name=" + policy);
        java.util.function.Consumer<String> events = line -> System.err.println("memvisor run: " + line);
        Path file = config != null ? config : Files.isRegularFile(HostConfig.SYSTEM_FILE) ? HostConfig.SYSTEM_FILE : null;
        HostConfig cfg = file != null ? HostConfig.load(file, sets) : HostConfig.defaults(sets);
        if (file == null) events.accept("no --config and no " + HostConfig.SYSTEM_FILE + ": every setting at its default");
        if (log != null) cfg = cfg.withLog(log);
        // a dry run changes nothing: no KSM knobs, no cgroups (whose placement moves QEMU), no memtune
        if (dryRun) cfg = cfg.withoutActuators();
        HostPaths paths = HostPaths.system();
        String name = cfg.policy();
        PolicyConfig policyConfig = cfg.policyConfig();
        MemoryPolicy p = PolicyRegistry.create(name, policyConfig);
        ManagedHost managed = ManagedHost.of(cfg, paths, dryRun, events);
        PrintStream out;
        try {
            out = openLog(cfg.log());
        } catch (RuntimeException e) {
            managed.host().close();
            throw e;
        }
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
        HostConfig c = cfg;
        // the loop owns the host once made; until then (a metrics port taken) it is closed here
        ManagerLoop[] made = {null};
        try (StateFile state = c.stateFile() == null ? null : new StateFile(c.stateFile(), events);
             ManagerMetrics metrics = new ManagerMetrics(c.metricsAddress(), c.metricsPort(), events)) {
            ManagerLoop loop = new ManagerLoop(c, p, policyConfig, managed.host(), d -> {
                String line = DecisionJson.line(d, name, Instant.now(), dryRun);
                out.println(line);
                out.flush();
                if (state != null) state.publish(line);
                metrics.record(d);
                if (intervals > 0 && d.trigger() == Trigger.INTERVAL && ++count[0] >= intervals) {
                    synchronized (stop) {
                        stop.set(true);
                    }
                }
            }, events);
            made[0] = loop;
            try (loop) {
                System.err.println("memvisor run: " + (dryRun ? "dry run (decisions are logged, no action is carried out): " : "") + "managing "
                        + managed.description() + " with policy " + name + " every " + c.interval().toMillis() + " ms"
                        + (c.stateCheckInterval().isZero() ? "" : ", checking the host memory state every " + c.stateCheckInterval().toMillis() + " ms")
                        + (metrics.port() > 0 ? ", metrics on http://" + c.metricsAddress() + ":" + metrics.port() + "/metrics" : "")
                        + (state != null ? ", state in " + state.path() : ""));
                loop.run(stop);
                System.err.println("memvisor run: stopped; guests left running");
            }
        } finally {
            if (made[0] == null) managed.host().close();
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
