package dev.memvisor.qemu.launch;

import dev.memvisor.qemu.qmp.QmpClient;
import dev.memvisor.qemu.qmp.QmpException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A QEMU guest this process started: its pid, QMP socket, serial logs and accelerator. Closing it
 * stops the QEMU process by pid (QMP quit first, then SIGTERM, then SIGKILL).
 *
 * @param name       the guest's name
 * @param pid        the QEMU process id
 * @param qmpSocket  the QMP socket path
 * @param dir        the guest's directory (console.log, cpu.log, qemu.log)
 * @param accelerator KVM or TCG
 */
public record Guest(String name, long pid, Path qmpSocket, Path dir, Accelerator accelerator) implements AutoCloseable {
    /** The marker the guest's init prints on the console once its modules are loaded. */
    public static final String READY_MARKER = "memvisor-guest: ready";

    /**
     * A guest already running under another QEMU, found by its QMP socket path ({@code -qmp unix:PATH}).
     * Its log paths point at the socket's directory and may not exist; the accelerator is read from its command line.
     *
     * @throws GuestStartException naming the socket when no qemu-system process serves it
     */
    public static Guest attach(String name, Path qmpSocket) {
        long pid = QemuProcessFinder.pidForSocket(Path.of("/proc"), qmpSocket).orElseThrow(() ->
                new GuestStartException("guest " + name + ": no qemu-system process has -qmp unix:" + qmpSocket));
        Path dir = qmpSocket.toAbsolutePath().getParent();
        return new Guest(name, pid, qmpSocket, dir, QemuProcessFinder.acceleratorOf(Path.of("/proc"), pid));
    }

    /** The first serial port's log (init and workload output). */
    public Path consoleLog() { return dir.resolve("console.log"); }

    /** The second serial port's log (the CPU reporter's lines). */
    public Path cpuLog() { return dir.resolve("cpu.log"); }

    /** QEMU's own stderr. */
    public Path qemuLog() { return dir.resolve("qemu.log"); }

    /** Whether the QEMU process is still alive. */
    public boolean alive() {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * Waits until the guest printed its ready line; returns that line.
     *
     * @throws GuestStartException with the console and QEMU log tails when QEMU exits or the deadline passes
     */
    public String awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<String> ready = consoleLines().stream().filter(l -> l.contains(READY_MARKER)).findFirst();
            if (ready.isPresent()) return ready.get();
            if (!alive()) throw new GuestStartException("guest " + name + ": QEMU (pid " + pid + ") exited before the guest was ready" + tails());
            if (System.nanoTime() > deadline) {
                throw new GuestStartException("guest " + name + ": not ready within " + timeout.toSeconds() + " s" + tails());
            }
            pause(200);
        }
    }

    /** The console log's lines so far (empty if none). */
    public List<String> consoleLines() {
        try {
            return Files.exists(consoleLog()) ? Files.readAllLines(consoleLog(), java.nio.charset.StandardCharsets.ISO_8859_1) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The last lines of the console and QEMU logs, for error messages. */
    public String tails() {
        return "\n  console: " + tail(consoleLog()) + "\n  qemu: " + tail(qemuLog());
    }

    private static String tail(Path p) {
        try {
            if (!Files.exists(p)) return "(none)";
            List<String> l = Files.readAllLines(p, java.nio.charset.StandardCharsets.ISO_8859_1);
            return String.join(" | ", l.subList(Math.max(0, l.size() - 5), l.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** Connects a QMP client to this guest. */
    public QmpClient qmp() {
        return QmpClient.connect(qmpSocket, Duration.ofSeconds(10));
    }

    /** Kills QEMU at once by pid (SIGKILL), as a crash would; used to test the manager's handling of dying guests. */
    public void kill() {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        waitExit(Duration.ofSeconds(10));
    }

    /** Stops QEMU: QMP quit, then SIGTERM, then SIGKILL, each with a short deadline; always by pid. */
    @Override
    public void close() {
        if (!alive()) return;
        try (QmpClient q = QmpClient.connect(qmpSocket, Duration.ofSeconds(2))) {
            q.execute("quit", null, Duration.ofSeconds(2));
        } catch (QmpException e) {
            // fall through to signals
        }
        if (waitExit(Duration.ofSeconds(5))) return;
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        if (waitExit(Duration.ofSeconds(5))) return;
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        waitExit(Duration.ofSeconds(5));
    }

    private boolean waitExit(Duration d) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty()) return true;
        try {
            h.get().onExit().get(d.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return !alive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !alive();
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GuestStartException("interrupted waiting for a guest");
        }
    }
}
