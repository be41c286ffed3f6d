package dev.memvisor.qemu.launch;

import dev.memvisor.qemu.act.MemoryCgroup;
import dev.memvisor.qemu.image.GuestImage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Starts QEMU guests from a {@link GuestImage}, each with a QMP socket and a virtio-balloon device
 * (statistics polling, deflate-on-oom, free-page-reporting), and when asked a virtio-mem device, on KVM
 * when /dev/kvm boots a guest and on TCG otherwise. Every guest it starts is also killed by a JVM shutdown hook if still running.
 * Device options: QEMU docs/system/devices/virtio-balloon (QEMU 7.2).
 */
public final class GuestLauncher {
    private static final Set<Long> STARTED = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> STARTED.forEach(pid ->
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly)), "memvisor-guest-reaper"));
    }

    private final GuestImage image;
    private final Path runDir;
    private final String qemu;
    private final Consumer<String> log;
    private volatile Accelerator accelerator;
    /** Names of the guests started with a virtio-mem device, whose driver must bind. */
    private final Set<String> hotplugGuests = ConcurrentHashMap.newKeySet();

    /** A launcher for this image that puts each guest's files under {@code runDir/NAME}; {@code log} receives progress lines. */
    public GuestLauncher(GuestImage image, Path runDir, Consumer<String> log) {
        this.image = image;
        this.runDir = runDir;
        this.qemu = System.getenv().getOrDefault("MEMVISOR_QEMU", "qemu-system-x86_64");
        this.log = log;
    }

    /** The accelerator guests get: probed once (MEMVISOR_ACCEL=kvm|tcg forces one). */
    public Accelerator accelerator() {
        if (accelerator == null) {
            synchronized (this) {
                if (accelerator == null) accelerator = AcceleratorProbe.choose(this, log);
            }
        }
        return accelerator;
    }

    /** Starts a guest and waits until it is ready (its init printed the ready line); stops it again if it fails. */
    public Guest start(GuestSpec spec, Duration bootTimeout) {
        return start(spec, bootTimeout, null);
    }

    /**
     * Starts a guest whose QEMU runs in {@code cgroup} from its first instruction (so all its memory,
     * the kernel and initramfs it loads included, is charged there), and waits until it is ready.
     */
    public Guest start(GuestSpec spec, Duration bootTimeout, MemoryCgroup cgroup) {
        return start(spec, bootTimeout, cgroup, GuestOptions.none());
    }

    /**
     * As {@link #start(GuestSpec, Duration, MemoryCgroup)} ({@code cgroup} may be null), with a swap
     * disk, a cache disk and more kernel parameters; a swap disk the guest did not switch on, or a
     * cache disk it did not find, is a failed start.
     */
    public Guest start(GuestSpec spec, Duration bootTimeout, MemoryCgroup cgroup, GuestOptions options) {
        Guest g = startProcess(spec, accelerator(), cgroup, options);
        try {
            String ready = awaitReadyWithBalloon(g, bootTimeout);
            if (options.swapBytes() > 0 && ready.contains("swap=none")) throw new GuestStartException("guest " + spec.name() + ": its swap disk was not switched on: " + ready);
            if (options.cacheImage() != null && ready.contains("cache=none")) throw new GuestStartException("guest " + spec.name() + ": its cache disk was not found: " + ready);
            log.accept("guest " + spec.name() + " ready on " + g.accelerator() + " (pid " + g.pid() + ", " + ready.substring(ready.indexOf("ready") + 6) + ")");
            return g;
        } catch (RuntimeException e) {
            g.close();
            throw e;
        }
    }

    /** Starts several guests in parallel and waits for all; on any failure stops every one of them. */
    public List<Guest> startAll(List<GuestSpec> specs, Duration bootTimeout) {
        Accelerator a = accelerator();
        List<Guest> started = new ArrayList<>();
        try {
            for (GuestSpec s : specs) started.add(startProcess(s, a, null, GuestOptions.none()));
            for (Guest g : started) {
                awaitReadyWithBalloon(g, bootTimeout);
            }
            log.accept(started.size() + " guests ready on " + a);
            return started;
        } catch (RuntimeException e) {
            started.forEach(Guest::close);
            throw e;
        }
    }

    /** Waits for the guest's ready line and returns it; a guest whose virtio_balloon (or virtio_mem, when it has the device) did not bind is a failed start. */
    private String awaitReadyWithBalloon(Guest g, Duration bootTimeout) {
        String ready = g.awaitReady(bootTimeout);
        if (!ready.contains("balloon=yes")) throw new GuestStartException("guest " + g.name() + ": the virtio_balloon driver did not bind: " + ready);
        if (hotplugGuests.contains(g.name()) && !ready.contains("virtio_mem=yes")) {
            throw new GuestStartException("guest " + g.name() + ": the virtio_mem driver did not bind (is virtio_mem in the guest image? memvisor guest-image"
                    + " rebuilds it): " + ready);
        }
        return ready;
    }

    /** Starts QEMU for the spec on this accelerator without waiting for the guest to boot. */
    Guest startProcess(GuestSpec spec, Accelerator accel) {
        return startProcess(spec, accel, null, GuestOptions.none());
    }

    /** As {@link #startProcess(GuestSpec, Accelerator)}, in {@code cgroup} when not null, with these options. */
    private Guest startProcess(GuestSpec spec, Accelerator accel, MemoryCgroup cgroup, GuestOptions options) {
        if (!image.complete()) throw new GuestStartException("guest image in " + image.dir() + " is incomplete: run memvisor guest-image --out " + image.dir());
        Path dir = runDir.resolve(spec.name());
        try {
            Files.createDirectories(dir);
            for (String f : List.of("console.log", "cpu.log", "qemu.log", "qmp.sock", "swap.img")) Files.deleteIfExists(dir.resolve(f));
            if (options.swapBytes() > 0) {
                // sparse: the guest's swap takes disk space only as it is written
                try (var f = new java.io.RandomAccessFile(dir.resolve("swap.img").toFile(), "rw")) {
                    f.setLength(options.swapBytes());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("guest " + spec.name() + ": cannot prepare " + dir + ": " + e.getMessage(), e);
        }
        Path qmp = dir.resolve(RunDirectory.QMP_SOCKET);
        // debug-threads=on names the vCPU threads "CPU n/KVM|TCG", so their CPU time can be read from /proc
        List<String> cmd = new ArrayList<>(List.of(qemu, "-name", spec.name() + ",debug-threads=on", "-machine", "pc,mem-merge=on", "-accel", accel.accelArg(),
                "-m", memoryArgument(spec), "-smp", "1", "-nodefaults", "-no-user-config", "-display", "none",
                "-no-reboot", "-kernel", image.kernel().toString(), "-initrd", image.initramfs().toString(),
                "-append", options.kernelArgs().isEmpty() ? spec.kernelCmdline() : spec.kernelCmdline() + " " + String.join(" ", options.kernelArgs()),
                "-serial", "file:" + dir.resolve("console.log"), "-serial", "file:" + dir.resolve("cpu.log"),
                "-qmp", "unix:" + qmp + ",server=on,wait=off",
                "-device", "virtio-balloon-pci,id=balloon0,deflate-on-oom=" + (spec.deflateOnOom() ? "on" : "off")
                        + ",free-page-reporting=on,guest-stats-polling-interval=" + spec.statsPollingSeconds()));
        cmd.addAll(virtioMemArguments(spec));
        if (spec.hasHotplug()) hotplugGuests.add(spec.name());
        else hotplugGuests.remove(spec.name());
        cmd.addAll(options.qemuArgs(dir));
        if (cgroup != null) cmd = inCgroup(cgroup, cmd);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("qemu.log").toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            STARTED.add(p.pid());
            var unused = p.onExit().thenRun(() -> STARTED.remove(p.pid()));
            return new Guest(spec.name(), p.pid(), qmp, dir, accel);
        } catch (IOException e) {
            throw new GuestStartException("guest " + spec.name() + ": cannot run " + qemu + " (" + e.getMessage()
                    + "): run scripts/install-deps.sh to install qemu-system-x86");
        }
    }

    /** QEMU's {@code -m}: the boot memory, and with a virtio-mem device {@code maxmem} = boot memory + its region. */
    static String memoryArgument(GuestSpec spec) {
        String m = (spec.memoryBytes() >> 20) + "M";
        return spec.hasHotplug() ? m + ",maxmem=" + ((spec.memoryBytes() + spec.hotplugBytes()) >> 20) + "M" : m;
    }

    /**
     * The memory backend and virtio-mem device of a guest that has one (none otherwise): a RAM backend of
     * the region's size and {@code virtio-mem-pci,id=vmem0,memdev=vmem0-ram,requested-size=...[,block-size=...]}.
     * Source: QEMU docs/system/devices/virtio-mem.rst.
     */
    static List<String> virtioMemArguments(GuestSpec spec) {
        if (!spec.hasHotplug()) return List.of();
        String dev = "virtio-mem-pci,id=" + VIRTIO_MEM_ID + ",memdev=" + VIRTIO_MEM_ID + "-ram,requested-size=" + spec.pluggedBytes()
                + (spec.hotplugBlockBytes() > 0 ? ",block-size=" + spec.hotplugBlockBytes() : "");
        return List.of("-object", "memory-backend-ram,id=" + VIRTIO_MEM_ID + "-ram,size=" + spec.hotplugBytes(), "-device", dev);
    }

    /** The id the launcher gives a guest's virtio-mem device (its QOM path is /machine/peripheral/vmem0). */
    public static final String VIRTIO_MEM_ID = "vmem0";

    /**
     * The command run by a shell that first joins the cgroup (writing its own pid, which QEMU keeps
     * across exec) and then execs it, so no page QEMU allocates is charged elsewhere; v1 no longer
     * moves charges of a process that joins later (memory.move_charge_at_immigrate is deprecated).
     */
    static List<String> inCgroup(MemoryCgroup cgroup, List<String> cmd) {
        List<String> wrapped = new ArrayList<>(List.of("/bin/sh", "-c", "echo $$ > \"$0\" && exec \"$@\"",
                cgroup.dir().resolve("cgroup.procs").toString()));
        wrapped.addAll(cmd);
        return wrapped;
    }
}
