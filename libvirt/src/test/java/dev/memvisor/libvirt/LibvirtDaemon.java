package dev.memvisor.libvirt;

import dev.memvisor.qemu.launch.Await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's virtlogd and libvirtd for tests, started directly (no systemd here) as children of the
 * test JVM, in the foreground so that their pids are the children's and the JVM reaps them; a
 * shutdown hook kills them by pid if the JVM exits without {@link #close()}. They use the system
 * paths (qemu:///system, /run/libvirt), since libvirtd run as root has no private runtime
 * directory for its QEMU driver. When a libvirtd already answers on the system socket (a host
 * that runs one), that one is used and never stopped.
 * <p>
 * {@link #close()} destroys every test domain still running (by name, with virsh), stops the
 * daemons it started by pid, moves the test domains' QEMU logs into the test's log directory, and
 * removes what libvirt left: the {@code machine} cgroup partitions and {@code /run/libvirt} when
 * they were not there before. Callers hold {@code /tmp/memvisor-real.lock} (HELPERS.md).
 */
public final class LibvirtDaemon implements AutoCloseable {
    public static final String URI = "qemu:///system";
    /** Names of test domains: this prefix, the JVM's pid, a name. */
    public static final String PREFIX = "memvisor-test-";
    private static final Path SOCKET = Path.of("/run/libvirt/libvirt-sock");
    private static final Path RUN_DIR = Path.of("/run/libvirt");
    private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");
    private static final Path QEMU_LOGS = Path.of("/var/log/libvirt/qemu");
    private static final Duration READY = Duration.ofSeconds(60);

    private final Path logDir;
    private final boolean owned;
    private final boolean runDirExisted;
    private final List<Path> partitionsBefore;
    private final Thread reaper;
    private volatile Process virtlogd;
    private volatile Process libvirtd;
    private int libvirtdStarts;

    private LibvirtDaemon(Path logDir, boolean owned) {
        this.logDir = logDir;
        this.owned = owned;
        this.runDirExisted = Files.exists(RUN_DIR);
        this.partitionsBefore = machinePartitions();
        this.reaper = new Thread(this::killChildren, "memvisor-test-libvirtd-reaper");
    }

    /** Uses the running libvirtd, or starts virtlogd and libvirtd; waits until libvirtd answers. */
    public static LibvirtDaemon start(Path logDir) {
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (answers()) return new LibvirtDaemon(logDir, false);
        for (String bin : List.of("/usr/sbin/libvirtd", "/usr/sbin/virtlogd", "/usr/bin/virsh")) {
            if (!Files.isExecutable(Path.of(bin))) {
                throw new IllegalStateException(bin + " is missing: run scripts/install-deps.sh (libvirt-daemon-system, libvirt-clients)");
            }
        }
        LibvirtDaemon d = new LibvirtDaemon(logDir, true);
        Runtime.getRuntime().addShutdownHook(d.reaper);
        try {
            d.destroyLeftoversOfDeadRuns();
            d.virtlogd = spawn("virtlogd", logDir.resolve("virtlogd.log"));
            d.startLibvirtd();
            return d;
        } catch (RuntimeException | InterruptedException e) {
            d.close();
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            throw e instanceof RuntimeException ? (RuntimeException) e : new IllegalStateException(e);
        }
    }

    /** Whether the daemons are this fixture's (and so may be restarted and are stopped by it). */
    public boolean owned() {
        return owned;
    }

    /** The pid of the libvirtd this fixture runs now. */
    public long libvirtdPid() {
        return libvirtd.pid();
    }

    /** Starts libvirtd and waits until its socket accepts connections. */
    public void startLibvirtd() throws InterruptedException {
        if (!owned) throw new IllegalStateException("libvirtd is not this test's to start");
        Path log = logDir.resolve("libvirtd-" + ++libvirtdStarts + ".log");
        libvirtd = spawn("libvirtd", log);
        Process p = libvirtd;
        boolean up = Await.until(READY, () -> !p.isAlive() || answers(), done -> done);
        if (!p.isAlive()) throw new IllegalStateException("libvirtd exited at once (status " + p.exitValue() + "); see " + log);
        if (!up) throw new IllegalStateException("libvirtd did not answer on " + SOCKET + " within " + READY.toSeconds() + " s; see " + log);
    }

    /** Stops libvirtd by its pid (SIGTERM) and waits for it; the domains keep running. */
    public void stopLibvirtd() throws InterruptedException {
        if (!owned) throw new IllegalStateException("libvirtd is not this test's to stop");
        stop(libvirtd, "libvirtd");
    }

    /** A test domain name unique to this JVM. */
    public static String domainName(String name) {
        return PREFIX + ProcessHandle.current().pid() + "-" + name;
    }

    /** Runs virsh against the system URI and returns its standard output; fails with its error output. */
    public static String virsh(String... args) {
        List<String> cmd = new ArrayList<>(List.of("virsh", "-q", "-c", URI));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + ": no answer within 60 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + ": exit " + p.exitValue() + ": " + new String(err, StandardCharsets.UTF_8).trim());
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(String.join(" ", cmd) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", cmd), e);
        }
    }

    /** Every running test domain of this JVM, by name. */
    public static List<String> runningTestDomains() {
        String mine = domainName("");
        return virsh("list", "--name").lines().map(String::trim).filter(n -> n.startsWith(mine)).toList();
    }

    /** Every test domain of this JVM defined persistently (running or not), by name. */
    public static List<String> definedTestDomains() {
        String mine = domainName("");
        return virsh("list", "--all", "--persistent", "--name").lines().map(String::trim).filter(n -> n.startsWith(mine)).toList();
    }

    /** Destroys the test domains, stops the daemons it started, and removes what libvirt left behind. */
    @Override
    public void close() {
        List<String> problems = new ArrayList<>();
        try {
            if (libvirtd == null || libvirtd.isAlive() || !owned) {
                for (String n : runningTestDomains()) {
                    try {
                        virsh("destroy", n);
                    } catch (RuntimeException e) {
                        problems.add(e.getMessage());
                    }
                }
            }
            for (String n : definedTestDomains()) {
                try {
                    virsh("undefine", n);
                } catch (RuntimeException e) {
                    problems.add(e.getMessage());
                }
            }
        } catch (RuntimeException e) {
            problems.add("listing test domains: " + e.getMessage());
        }
        killStrayQemus(problems);
        if (owned) {
            try {
                stop(libvirtd, "libvirtd");
                stop(virtlogd, "virtlogd");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                killChildren();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(reaper);
            } catch (IllegalStateException e) {
                // the JVM is exiting: the hook runs anyway
            }
            removeNewPartitions(problems);
            if (!runDirExisted) deleteTree(RUN_DIR, problems);
        }
        collectQemuLogs(problems);
        if (!problems.isEmpty()) throw new IllegalStateException("cleaning up libvirt: " + String.join("; ", problems));
    }

    private static Process spawn(String daemon, Path log) {
        try {
            return new ProcessBuilder("/usr/sbin/" + daemon).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + daemon + ": " + e.getMessage(), e);
        }
    }

    private static void stop(Process p, String what) throws InterruptedException {
        if (p == null || !p.isAlive()) return;
        p.destroy(); // SIGTERM to this pid
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            if (!p.waitFor(10, TimeUnit.SECONDS)) throw new IllegalStateException(what + " (pid " + p.pid() + ") survived SIGKILL");
        }
    }

    private void killChildren() {
        for (Process p : new Process[] {libvirtd, virtlogd}) if (p != null) p.destroyForcibly();
    }

    /** Whether something accepts connections on libvirtd's system socket. */
    public static boolean answers() {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(SOCKET))) {
            return ch.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    /** Domains of earlier test JVMs that died before cleaning up (their pid is gone) are destroyed first. */
    private void destroyLeftoversOfDeadRuns() {
        ProcessHandle.allProcesses().forEach(ph -> {
            String[] args = ph.info().arguments().orElse(new String[0]);
            for (int i = 0; i + 1 < args.length; i++) {
                if (args[i].equals("-name") && args[i + 1].startsWith("guest=" + PREFIX)) {
                    String rest = args[i + 1].substring(("guest=" + PREFIX).length());
                    String pid = rest.contains("-") ? rest.substring(0, rest.indexOf('-')) : "";
                    if (pid.matches("[0-9]+") && ProcessHandle.of(Long.parseLong(pid)).isEmpty()) ph.destroyForcibly();
                }
            }
        });
    }

    /** QEMUs of this JVM's test domains still alive after the destroys (libvirtd died): killed by pid. */
    private static void killStrayQemus(List<String> problems) {
        String mine = "guest=" + domainName("");
        ProcessHandle.allProcesses().filter(ph -> ph.info().arguments().map(a -> String.join(" ", a).contains(mine)).orElse(false))
                .forEach(ph -> {
                    problems.add("QEMU pid " + ph.pid() + " of a test domain outlived its domain; killed");
                    ph.destroyForcibly();
                });
    }

    /** The {@code machine} partitions libvirt makes under each cgroup hierarchy (no systemd: libvirt makes them itself). */
    public static List<Path> machinePartitions() {
        List<Path> out = new ArrayList<>();
        if (Files.isDirectory(CGROUP_ROOT.resolve("machine"))) out.add(CGROUP_ROOT.resolve("machine"));
        try (Stream<Path> s = Files.list(CGROUP_ROOT)) {
            s.map(h -> h.resolve("machine")).filter(Files::isDirectory).forEach(out::add);
        } catch (IOException e) {
            // no cgroup file system: nothing libvirt could have made
        }
        return out;
    }

    /** Removes (rmdir, which only an empty cgroup allows) the partitions that were not there before, deepest first. */
    private void removeNewPartitions(List<String> problems) {
        for (Path p : machinePartitions()) {
            if (partitionsBefore.contains(p)) continue;
            try (Stream<Path> s = Files.walk(p)) {
                for (Path d : s.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) Files.delete(d);
            } catch (IOException e) {
                problems.add("cannot remove cgroup " + p + ": " + e);
            }
        }
    }

    /** Moves the QEMU logs of this JVM's test domains into the log directory. */
    private void collectQemuLogs(List<String> problems) {
        if (!Files.isDirectory(QEMU_LOGS)) return;
        String mine = domainName("");
        try (Stream<Path> s = Files.list(QEMU_LOGS)) {
            for (Path f : s.filter(f -> f.getFileName().toString().startsWith(mine)).toList()) {
                Files.move(f, logDir.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            problems.add("moving QEMU logs: " + e);
        }
    }

    private static void deleteTree(Path root, List<String> problems) {
        if (!Files.exists(root)) return;
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            problems.add("cannot remove " + root + ": " + e);
        }
    }
}
