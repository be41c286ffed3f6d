package dev.memvisor.qemu.migrate;

import dev.memvisor.qemu.image.CpioWriter;
import dev.memvisor.qemu.image.GuestImage;
import dev.memvisor.qemu.launch.Accelerator;
import dev.memvisor.qemu.launch.Guest;
import dev.memvisor.qemu.launch.GuestLauncher;
import dev.memvisor.qemu.launch.GuestSpec;
import dev.memvisor.qemu.launch.GuestStartException;
import dev.memvisor.qemu.qmp.QmpClient;
import dev.memvisor.qemu.qmp.QmpException;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;

/**
 * Starts the two ends of a live migration: source guests equipped for it (free-page-hint with an
 * iothread, a write-then-free workload; on TCG 8 KiB more RAM, clear of the QEMU bug in
 * {@link TcgDirtyTracking}) and destinations from a source's own command line with {@code -incoming defer}
 * (or a URI). It builds the QEMU command line the way {@link GuestLauncher} does (same
 * image, machine and balloon options) and uses the launcher's accelerator choice. Every process it
 * starts is stopped by pid through {@link Guest#close()}, and killed by a shutdown hook if still
 * running when the JVM exits.
 */
public final class MigrationPeerLauncher {
    private static final Set<Long> STARTED = ConcurrentHashMap.newKeySet();
    /** Printed on the console once the write-then-free workload has freed its memory. */
    public static final String FREED_MARKER = "memvisor-migrate: freed";

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> STARTED.forEach(pid ->
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly)), "memvisor-migrate-reaper"));
    }

    private final GuestImage image;
    private final Path runDir;
    private final Consumer<String> log;
    private final GuestLauncher launcher;
    private final String qemu = System.getenv().getOrDefault("MEMVISOR_QEMU", "qemu-system-x86_64");

    /** A launcher whose guests live under {@code runDir/NAME}; {@code image} may be null when only destinations are started. */
    public MigrationPeerLauncher(GuestImage image, Path runDir, Consumer<String> log) {
        this.image = image;
        this.runDir = runDir;
        this.log = log;
        this.launcher = image == null ? null : new GuestLauncher(image, runDir, log);
    }

    /** The accelerator source guests get (the launcher's probe). */
    public Accelerator accelerator() {
        if (launcher == null) throw new IllegalStateException("no guest image, so no source guests");
        return launcher.accelerator();
    }

    /** Starts a source guest and waits until it is ready (and, with write-then-free, until the memory is freed). */
    public Guest startSource(GuestSpec spec, PeerOptions opts, Duration bootTimeout) {
        if (image == null || !image.complete()) throw new GuestStartException("no complete guest image: run memvisor guest-image");
        Accelerator accel = launcher.accelerator();
        Path dir = prepare(spec.name());
        Path initrd = image.initramfs();
        String cmdline = spec.kernelCmdline();
        if (opts.writeThenFreeBytes() > 0) {
            initrd = writeThenFreeInitrd(dir, opts.writeThenFreeBytes());
            cmdline += " rdinit=/mvmigrate-init";
        }
        String balloon = "virtio-balloon-pci,id=balloon0,deflate-on-oom=" + (spec.deflateOnOom() ? "on" : "off")
                + ",free-page-reporting=" + (opts.freePageReporting() ? "on" : "off")
                + ",guest-stats-polling-interval=" + spec.statsPollingSeconds()
                + (opts.freePageHint() ? ",free-page-hint=on,iothread=io0" : "");
        List<String> cmd = new ArrayList<>(List.of(qemu, "-name", spec.name() + ",debug-threads=on", "-machine", "pc,mem-merge=on", "-accel", accel.accelArg(),
                "-m", TcgDirtyTracking.memoryArgument(spec.memoryBytes(), accel), "-smp", "1", "-nodefaults", "-no-user-config", "-display", "none",
                "-no-reboot", "-kernel", image.kernel().toString(), "-initrd", initrd.toString(), "-append", cmdline,
                "-serial", "file:" + dir.resolve("console.log"), "-serial", "file:" + dir.resolve("cpu.log"),
                "-qmp", "unix:" + dir.resolve("qmp.sock") + ",server=on,wait=off"));
        if (opts.freePageHint()) cmd.addAll(List.of("-object", "iothread,id=io0"));
        cmd.addAll(List.of("-device", balloon));
        Guest g = spawn(spec.name(), cmd, dir, accel);
        try {
            String ready = g.awaitReady(bootTimeout);
            if (!ready.contains("balloon=yes")) throw new GuestStartException("guest " + spec.name() + ": the virtio_balloon driver did not bind: " + ready);
            if (opts.writeThenFreeBytes() > 0) awaitConsole(g, FREED_MARKER, bootTimeout);
            log.accept("source " + spec.name() + " ready on " + accel + " (pid " + g.pid() + ")");
            return g;
        } catch (RuntimeException e) {
            g.close();
            throw e;
        }
    }

    /**
     * Starts a destination for a running source: the source's command line (read from
     * /proc/PID/cmdline) with its own name and files under {@code runDir/destName}, waiting for an
     * incoming migration; returns once its QMP socket answers.
     */
    public Guest startDestination(Path procRoot, long sourcePid, String destName, Duration timeout) {
        return startDestination(procRoot, sourcePid, destName, timeout, "defer");
    }

    /** As {@link #startDestination(Path, long, String, Duration)}, started with {@code -incoming incoming} (a URI, or defer). */
    public Guest startDestination(Path procRoot, long sourcePid, String destName, Duration timeout, String incoming) {
        List<String> src = QemuArgs.ofProcess(procRoot, sourcePid);
        Path dir = prepare(destName);
        List<String> cmd = QemuArgs.destination(src, destName, dir, incoming);
        Accelerator accel = cmd.stream().anyMatch(a -> a.startsWith("kvm")) ? Accelerator.KVM : Accelerator.TCG;
        Guest g = spawn(destName, cmd, dir, accel);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!g.alive()) {
                g.close();
                throw new GuestStartException("destination " + destName + ": QEMU exited at start" + g.tails());
            }
            if (Files.exists(g.qmpSocket())) {
                try (QmpClient q = QmpClient.connect(g.qmpSocket(), Duration.ofSeconds(5))) {
                    String status = q.queryStatus();
                    log.accept("destination " + destName + " waiting for the migration (pid " + g.pid() + ", status " + status + ")");
                    return g;
                } catch (QmpException e) {
                    // not listening yet
                }
            }
            if (System.nanoTime() > deadline) {
                g.close();
                throw new GuestStartException("destination " + destName + ": QMP socket did not answer within " + timeout.toSeconds() + " s" + g.tails());
            }
            pause(100);
        }
    }

    /**
     * Lets a guest outlive this JVM: drops it from the exit hook's kill list (a destination that
     * now is the migrated VM). Closing it still stops it.
     */
    public static void release(Guest g) {
        STARTED.remove(g.pid());
    }

    /** Waits until the guest's console has a line containing {@code marker}. */
    public static void awaitConsole(Guest g, String marker, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (g.consoleLines().stream().noneMatch(l -> l.contains(marker))) {
            if (!g.alive()) throw new GuestStartException("guest " + g.name() + ": QEMU exited waiting for '" + marker + "'" + g.tails());
            if (System.nanoTime() > deadline) throw new GuestStartException("guest " + g.name() + ": no '" + marker + "' within " + timeout.toSeconds() + " s" + g.tails());
            pause(200);
        }
    }

    private Path prepare(String name) {
        Path dir = runDir.resolve(name);
        try {
            Files.createDirectories(dir);
            for (String f : List.of("console.log", "cpu.log", "qemu.log", "qmp.sock")) Files.deleteIfExists(dir.resolve(f));
        } catch (IOException e) {
            throw new UncheckedIOException("guest " + name + ": cannot prepare " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }

    private Guest spawn(String name, List<String> cmd, Path dir, Accelerator accel) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("qemu.log").toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            STARTED.add(p.pid());
            var unused = p.onExit().thenRun(() -> STARTED.remove(p.pid()));
            return new Guest(name, p.pid(), dir.resolve("qmp.sock"), dir, accel);
        } catch (IOException e) {
            throw new GuestStartException("guest " + name + ": cannot run " + cmd.get(0) + " (" + e.getMessage()
                    + "): run scripts/install-deps.sh to install qemu-system-x86");
        }
    }

    /**
     * The image's initramfs with a second archive appended (the kernel unpacks concatenated
     * archives in order, Documentation/driver-api/early-userspace/buffer-format.rst) holding
     * /mvmigrate-init: it starts a background job that has mvload fill {@code bytes} with unique
     * data, kills it so the guest frees that memory, and prints {@link #FREED_MARKER}; then it
     * execs the image's own /init.
     */
    private Path writeThenFreeInitrd(Path dir, long bytes) {
        String script = "#!/bin/busybox sh\n"
                + "# memvisor migrate: write then free " + bytes + " bytes, then run the image's init\n"
                + "/bin/busybox sh -c '/bin/busybox sleep 2; /bin/mvload touch " + bytes + " 0 unique > /tmp/mvfree.log 2>&1 & p=$!;"
                + " until /bin/busybox grep -q filled /tmp/mvfree.log; do /bin/busybox sleep 1; done;"
                + " /bin/busybox kill $p; wait $p; /bin/busybox sleep 1; echo \"" + FREED_MARKER + " " + bytes + " bytes\"' &\n"
                + "exec /init\n";
        Path out = dir.resolve("initramfs-migrate.cpio.gz");
        try {
            Files.copy(image.initramfs(), out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            try (OutputStream os = Files.newOutputStream(out, StandardOpenOption.APPEND);
                 CpioWriter cpio = new CpioWriter(new GZIPOutputStream(new BufferedOutputStream(os)))) {
                cpio.directory("dev");
                cpio.charDevice("dev/null", 0666, 1, 3); // the shell opens it for background jobs before devtmpfs is mounted
                cpio.file("mvmigrate-init", 0755, script.getBytes(StandardCharsets.US_ASCII));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GuestStartException("interrupted");
        }
    }
}
