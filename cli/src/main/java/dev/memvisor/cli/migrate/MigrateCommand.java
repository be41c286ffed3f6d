package dev.memvisor.cli.migrate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.memvisor.core.unit.Size;
import dev.memvisor.qemu.launch.Guest;
import dev.memvisor.qemu.launch.QemuProcessFinder;
import dev.memvisor.qemu.migrate.LiveMigration;
import dev.memvisor.qemu.migrate.MigrationException;
import dev.memvisor.qemu.migrate.MigrationPeerLauncher;
import dev.memvisor.qemu.migrate.MigrationResult;
import dev.memvisor.qemu.migrate.MigrationStrategy;
import dev.memvisor.qemu.qmp.QmpClient;
import dev.memvisor.qemu.qmp.QmpException;
import dev.memvisor.qemu.qmp.QmpSocketClients;
import dev.memvisor.qemu.qmp.QmpTimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code memvisor migrate}: live-migrates a running guest and reports what the migration cost. */
@Command(name = "migrate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Live-migrate a running guest to another QEMU and report bytes transferred, total time, downtime,"
                + " iterations, dirty-page rate and zero pages.",
                "--to local starts the destination on this host (same machine and devices, -incoming defer) and migrates over loopback."})
public final class MigrateCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--vm", required = true, paramLabel = "NAME", description = "The guest: its directory under --run-dir, or the path of its QMP socket.")
    String vm;

    @Option(names = "--to", required = true, paramLabel = "URI",
            description = "Destination: tcp:HOST:PORT or unix:PATH of a QEMU started with -incoming URI (or -incoming defer, with"
                    + " --dest-qmp), or 'local' to start one here.")
    String to;

    @Option(names = "--strategy", defaultValue = "auto", paramLabel = "S",
            description = "plain, free-page-hint, balloon-first or auto (default: ${DEFAULT-VALUE}).")
    String strategy;

    @Option(names = "--run-dir", defaultValue = VmSocket.DEFAULT_RUN_DIR, paramLabel = "DIR",
            description = "Directory with one directory per guest (qmp.sock, console.log); default ${DEFAULT-VALUE}.")
    Path runDir;

    @Option(names = "--dest-qmp", paramLabel = "SOCKET",
            description = "QMP socket of a destination you started (-incoming defer or -incoming URI): checked before the guest is"
                    + " touched, waited for, and given ballooned memory back; balloon-first needs it.")
    Path destQmp;

    @Option(names = "--max-bandwidth", paramLabel = "SIZE", description = "Bandwidth cap per second, e.g. 1G (default: QEMU's).")
    String maxBandwidth;

    @Option(names = "--timeout", defaultValue = "600", paramLabel = "SECONDS", description = "Cancel after this long (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--keep-source", description = "Leave the source QEMU paused after success instead of stopping it.")
    boolean keepSource;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        MigrationStrategy strat;
        long bw;
        try {
            strat = MigrationStrategy.parse(strategy);
            bw = maxBandwidth == null ? 0 : Size.parse(maxBandwidth);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (timeoutSeconds <= 0) throw new ParameterException(spec.commandLine(), "--timeout must be positive, got " + timeoutSeconds);
        PrintWriter err = spec.commandLine().getErr();
        Path socket = VmSocket.resolve(vm, runDir);
        boolean local = to.equals("local");
        if (!local && !to.startsWith("tcp:") && !to.startsWith("unix:") && !to.startsWith("exec:")) {
            throw new ParameterException(spec.commandLine(), "--to '" + to + "': expected tcp:HOST:PORT, unix:PATH or local");
        }
        Guest dest = null;
        boolean success = false;
        try (QmpClient src = connect(socket, "guest " + vm)) {
            long pid = QemuProcessFinder.pidForSocket(Path.of("/proc"), socket).orElse(-1);
            String uri = to;
            QmpClient destClient = null;
            if (local) {
                if (pid < 0) throw new IllegalStateException("guest " + vm + ": no QEMU process on this host serves " + socket + ", so its command line for the destination is unknown");
                uri = "tcp:127.0.0.1:" + freePort();
                String destName = socket.getParent().getFileName() + "-dest";
                dest = new MigrationPeerLauncher(null, socket.getParent().getParent(), err::println)
                        .startDestination(Path.of("/proc"), pid, destName, Duration.ofSeconds(30));
                destClient = dest.qmp();
            } else if (destQmp != null) {
                destClient = connect(destQmp, "destination");
            }
            try {
                LiveMigration lm = new LiveMigration(err::println).timeout(Duration.ofSeconds(timeoutSeconds)).maxBandwidth(bw);
                MigrationResult r = lm.migrate(vm, src, Optional.ofNullable(destClient), uri, strat);
                success = true;
                if (dest != null) MigrationPeerLauncher.release(dest); // the destination is the VM now: it outlives this command
                if (!keepSource) stopSource(src, pid, err);
                print(r, dest);
            } finally {
                if (destClient != null) destClient.close();
            }
            return 0;
        } catch (QmpException e) {
            throw new IllegalStateException("guest " + vm + ": " + e.getMessage(), e);
        } catch (MigrationException e) {
            // a destination this command started and that died: its console says why (a guest crash, a QEMU error)
            if (dest != null && !dest.alive()) throw new MigrationException(e.getMessage() + "\ndestination QEMU exited:" + dest.tails(), e);
            throw e;
        } finally {
            if (dest != null && !success) dest.close();
        }
    }

    /**
     * Connects to a QMP socket; when another client already holds it (QEMU serves one at a time), says
     * so after a short wait instead of waiting 10 s for a greeting that cannot come.
     */
    private static QmpClient connect(Path socket, String what) {
        boolean held = QmpSocketClients.count(Path.of("/proc/net/unix"), socket) > 0;
        try {
            return QmpClient.connect(socket, held ? Duration.ofSeconds(1) : Duration.ofSeconds(10));
        } catch (QmpTimeoutException e) {
            if (held) throw new IllegalStateException(what + ": " + QmpSocketClients.busyHint(socket), e);
            throw e;
        }
    }

    private void stopSource(QmpClient src, long pid, PrintWriter err) {
        try {
            src.quit();
        } catch (QmpException e) {
            // it may close the socket before it answers
        }
        if (pid > 0) ProcessHandle.of(pid).ifPresent(h -> {
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                err.println("source QEMU (pid " + pid + ") still running 10 s after quit");
            }
        });
    }

    private void print(MigrationResult r, Guest dest) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vm", r.vm());
        m.put("to", r.uri());
        m.put("strategy", r.strategy().cliName());
        m.put("requested", r.requested().cliName());
        m.put("status", r.status());
        m.put("ram_bytes", r.ramBytes());
        m.put("transferred_bytes", r.transferredBytes());
        m.put("transferred_ratio", Math.round(r.transferredRatio() * 1000) / 1000.0);
        m.put("total_time_ms", r.totalTimeMillis());
        m.put("downtime_ms", r.downtimeMillis());
        m.put("setup_time_ms", r.setupTimeMillis());
        m.put("iterations", r.iterations());
        m.put("dirty_pages_rate", r.dirtyPagesRate());
        m.put("zero_pages", r.zeroPages());
        m.put("normal_pages", r.normalPages());
        m.put("ballooned_bytes", r.balloonedBytes());
        m.put("balloon_time_ms", r.balloonMillis());
        m.put("guest_free_bytes", r.guestFreeBytes());
        if (dest != null) {
            m.put("destination_pid", dest.pid());
            m.put("destination_qmp", dest.qmpSocket().toString());
        }
        m.put("notes", r.notes());
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m));
        } else {
            out.printf("%-20s %s%n", "vm", r.vm());
            out.printf("%-20s %s%n", "to", r.uri());
            out.printf("%-20s %s%s%n", "strategy", r.strategy().cliName(), r.requested() == MigrationStrategy.AUTO ? " (auto)" : "");
            out.printf("%-20s %s%n", "status", r.status());
            out.printf("%-20s %s of %s RAM (%.2fx)%n", "transferred", Size.format(r.transferredBytes()), Size.format(r.ramBytes()), r.transferredRatio());
            out.printf("%-20s %d ms%n", "total time", r.totalTimeMillis());
            out.printf("%-20s %d ms%n", "downtime", r.downtimeMillis());
            out.printf("%-20s %d%n", "iterations", r.iterations());
            out.printf("%-20s %d pages/s%n", "dirty-page rate", r.dirtyPagesRate());
            out.printf("%-20s %d (%s)%n", "zero pages", r.zeroPages(), Size.format(r.zeroPages() * 4096));
            out.printf("%-20s %d%n", "pages sent in full", r.normalPages());
            if (r.balloonedBytes() > 0) out.printf("%-20s %s in %d ms before migrating (given back on the destination)%n", "ballooned first", Size.format(r.balloonedBytes()), r.balloonMillis());
            if (r.guestFreeBytes() >= 0) out.printf("%-20s %s%n", "guest free before", Size.format(r.guestFreeBytes()));
            if (dest != null) out.printf("%-20s pid %d, QMP %s%n", "destination", dest.pid(), dest.qmpSocket());
            for (String n : r.notes()) out.println("note: " + n);
        }
        out.flush();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
