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
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code memvisor run}: the real manager's control loop over this host's QEMU guests. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the memory manager on this host's QEMU guests: every interval observe, decide with a core"
                + " policy, bound the plan and carry out its actions (balloons, KSM, memory cgroups). One JSON line per decision;"
                + " SIGTERM stops it, restores KSM's settings and leaves the guests running.")
public final class RunCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "The host.yaml (see README, section Real hosts).")
    Path config;

    @Option(names = "--log", description = "Write the decision log here instead of the config's log (or standard output).")
    Path log;

    @Option(names = "--policy", description = "Override the config's policy.")
    String policy;

    @Option(names = "--intervals", description = "Stop after this many regular intervals (decisions on state changes between"
            + " them are logged but not counted; default: run until SIGTERM).")
    int intervals;

    @Override
    public Integer call() {
        HostConfig cfg = HostConfig.load(config);
        if (log != null) cfg = cfg.withLog(log);
        String name = policy != null ? policy : cfg.policy();
        PolicyConfig policyConfig = PolicyConfig.defaults();
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
             ManagerLoop loop = new ManagerLoop(cfg, p, policyConfig, HostPaths.system(), d -> {
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
