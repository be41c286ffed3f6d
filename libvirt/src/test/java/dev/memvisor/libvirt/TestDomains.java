package dev.memvisor.libvirt;

import dev.memvisor.qemu.image.GuestImage;
import dev.memvisor.qemu.image.GuestImageBuilder;
import dev.memvisor.qemu.launch.Await;
import dev.memvisor.qemu.launch.GuestSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

/**
 * Libvirt domains of type {@code qemu} (TCG) that boot memvisor's guest image by direct kernel
 * boot, made with virsh (outside the code under test). Names carry {@link LibvirtDaemon#PREFIX} and
 * the JVM's pid, so {@link LibvirtDaemon#close()} finds and destroys whatever a test left running.
 */
public final class TestDomains {
    /** Boot deadline: generous, since CI runs TCG on two shared cores. */
    public static final Duration BOOT = Duration.ofSeconds(180);
    private static GuestImage image;

    private TestDomains() {}

    /**
     * What to start.
     *
     * @param name        short name (the domain is {@code memvisor-test-PID-name})
     * @param memoryMib   the guest's memory
     * @param balloon     a virtio balloon, or {@code <memballoon model='none'/>}
     * @param statsPeriod the balloon's stats period in the XML (0 = none, libvirt's default)
     * @param metadata    extra XML inside {@code <metadata>}, or empty
     * @param persistent  defined and started (virsh define + start) instead of transient (virsh create)
     * @param guest       the guest's workload and virtio-mem device (its kernel command line, {@link GuestSpec#kernelCmdline()})
     */
    public record Spec(String name, int memoryMib, boolean balloon, int statsPeriod, String metadata, boolean persistent, GuestSpec guest) {
        public static Spec balloon(String name, int memoryMib) {
            return new Spec(name, memoryMib, true, 0, "", false, GuestSpec.idle(name, (long) memoryMib << 20));
        }

        public Spec withoutBalloon() { return new Spec(name, memoryMib, false, statsPeriod, metadata, persistent, guest); }

        public Spec withStatsPeriod(int seconds) { return new Spec(name, memoryMib, balloon, seconds, metadata, persistent, guest); }

        public Spec withMetadata(String xml) { return new Spec(name, memoryMib, balloon, statsPeriod, xml, persistent, guest); }

        public Spec asPersistent() { return new Spec(name, memoryMib, balloon, statsPeriod, metadata, true, guest); }

        /** A copy whose guest runs mvload: {@code workingSetMib} filled with {@code fill} pages, touched at {@code pagesPerSecond} (0: filled once, held). */
        public Spec withWorkload(int workingSetMib, long pagesPerSecond, String fill) {
            return new Spec(name, memoryMib, balloon, statsPeriod, metadata, persistent, guest.withWorkload((long) workingSetMib << 20, pagesPerSecond, fill));
        }

        /**
         * A copy with a virtio-mem device beside the boot memory ({@code memoryMib}): a region of {@code regionMib}
         * in blocks of {@code blockMib}, {@code requestedMib} plugged at start; the guest onlines what is plugged
         * and prints its MemTotal when it changes (the QEMU launcher's parameters, {@link GuestSpec#withHotplug}).
         */
        public Spec withHotplug(int regionMib, int blockMib, int requestedMib) {
            return new Spec(name, memoryMib, balloon, statsPeriod, metadata, persistent,
                    guest.withHotplug((long) regionMib << 20, (long) blockMib << 20, (long) requestedMib << 20));
        }

        public String domainName() { return LibvirtDaemon.domainName(name); }
    }

    /**
     * The guest image, built once per test JVM into this module's target directory and copied where libvirt's QEMU
     * can read it: QEMU runs as {@code libvirt-qemu} (Debian's qemu.conf), which cannot open files under a clone in a
     * private directory (mode 0700, as {@code mktemp -d} makes). The copy lives in {@link #IMAGE_PREFIX}PID under the
     * system's temporary directory, is removed when the JVM exits, and copies of dead JVMs are removed here.
     */
    public static synchronized GuestImage image() {
        if (image == null) {
            Path root = Path.of(System.getProperty("memvisor.root", "."));
            GuestImage built = GuestImageBuilder.defaults().buildIfNeeded(root.resolve("libvirt/target/guest-image"));
            image = readableCopy(built);
        }
        return image;
    }

    /** Name of the world-readable copies of the guest image, followed by the JVM's pid. */
    static final String IMAGE_PREFIX = "memvisor-test-image-";

    private static GuestImage readableCopy(GuestImage built) {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try {
            removeCopiesOfDeadJvms(tmp);
            Path dir = tmp.resolve(IMAGE_PREFIX + ProcessHandle.current().pid());
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            GuestImage copy = new GuestImage(dir, built.kernelVersion());
            for (Path[] p : new Path[][] {{built.kernel(), copy.kernel()}, {built.initramfs(), copy.initramfs()}}) {
                Files.copy(p[0], p[1], StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(p[1], PosixFilePermissions.fromString("rw-r--r--"));
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteCopy(dir), "memvisor-test-image-cleanup"));
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException("copying the guest image where libvirt's QEMU can read it, under " + tmp, e);
        }
    }

    private static void removeCopiesOfDeadJvms(Path tmp) throws IOException {
        try (var dirs = Files.list(tmp)) {
            for (Path d : dirs.toList()) {
                String pid = d.getFileName().toString().startsWith(IMAGE_PREFIX) ? d.getFileName().toString().substring(IMAGE_PREFIX.length()) : "";
                if (pid.matches("[0-9]{1,10}") && ProcessHandle.of(Long.parseLong(pid)).isEmpty()) deleteCopy(d);
            }
        }
    }

    private static void deleteCopy(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) Files.deleteIfExists(f);
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            System.err.println("could not remove the guest image copy " + dir + ": " + e.getMessage());
        }
    }

    /**
     * The domain XML for a spec; the serial console goes to {@code dir/NAME.console.log}. With a virtio-mem
     * device: {@code <maxMemory slots>} (the most memory a hot-plug can reach), one NUMA cell of the boot memory
     * (libvirt requires NUMA with memory devices) and {@code <memory model='virtio-mem'>} with its target,
     * block and requested sizes (https://libvirt.org/formatdomain.html#memory-devices).
     */
    public static String xml(Spec s, Path dir) {
        GuestImage img = image();
        GuestSpec g = s.guest();
        long regionMib = g.hotplugBytes() >> 20;
        String maxMemory = g.hasHotplug() ? "  <maxMemory slots='1' unit='MiB'>" + (s.memoryMib() + regionMib) + "</maxMemory>\n" : "";
        String numa = g.hasHotplug() ? "  <cpu><numa><cell id='0' cpus='0' memory='" + s.memoryMib() + "' unit='MiB'/></numa></cpu>\n" : "";
        String vmem = g.hasHotplug() ? "    <memory model='virtio-mem'><target><size unit='MiB'>" + regionMib + "</size><node>0</node>"
                + "<block unit='KiB'>" + ((g.hotplugBlockBytes() > 0 ? g.hotplugBlockBytes() : 2L << 20) >> 10) + "</block>"
                + "<requested unit='MiB'>" + (g.pluggedBytes() >> 20) + "</requested></target></memory>\n" : "";
        String balloon = s.balloon()
                ? "<memballoon model='virtio'>" + (s.statsPeriod() > 0 ? "<stats period='" + s.statsPeriod() + "'/>" : "") + "</memballoon>"
                : "<memballoon model='none'/>";
        return "<domain type='qemu'>\n"
                + "  <name>" + s.domainName() + "</name>\n"
                + (s.metadata().isEmpty() ? "" : "  <metadata>" + s.metadata() + "</metadata>\n")
                + maxMemory
                + "  <memory unit='MiB'>" + (s.memoryMib() + regionMib) + "</memory>\n"
                + "  <currentMemory unit='MiB'>" + s.memoryMib() + "</currentMemory>\n"
                + "  <vcpu>1</vcpu>\n"
                + numa
                + "  <os>\n"
                + "    <type arch='x86_64' machine='pc'>hvm</type>\n"
                + "    <kernel>" + img.kernel() + "</kernel>\n"
                + "    <initrd>" + img.initramfs() + "</initrd>\n"
                + "    <cmdline>" + g.kernelCmdline() + "</cmdline>\n"
                + "  </os>\n"
                + "  <on_poweroff>destroy</on_poweroff><on_reboot>destroy</on_reboot><on_crash>destroy</on_crash>\n"
                + "  <devices>\n"
                + "    <serial type='file'><source path='" + console(s, dir) + "'/><target port='0'/></serial>\n"
                + "    " + balloon + "\n"
                + vmem
                + "  </devices>\n"
                + "</domain>\n";
    }

    /** Starts the domain without waiting for its guest to boot. */
    public static void start(Spec s, Path dir) {
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(console(s, dir));
            Path xml = dir.resolve(s.name() + ".xml");
            Files.writeString(xml, xml(s, dir));
            if (s.persistent()) {
                LibvirtDaemon.virsh("define", xml.toString());
                LibvirtDaemon.virsh("start", s.domainName());
            } else {
                LibvirtDaemon.virsh("create", xml.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the guest's init printed its ready line, and returns that line. */
    public static String awaitReady(Spec s, Path dir) throws InterruptedException {
        Path console = console(s, dir);
        String line = Await.until(BOOT, () -> readyLine(console), l -> !l.isEmpty());
        if (line.isEmpty()) throw new AssertionError("domain " + s.domainName() + " did not boot within " + BOOT.toSeconds() + " s; console: " + console);
        return line;
    }

    /** The domain as the client names it, read with virsh. */
    public static DomainId id(Spec s) {
        String name = s.domainName();
        return new DomainId(name, LibvirtDaemon.virsh("domuuid", name).trim(), Integer.parseInt(LibvirtDaemon.virsh("domid", name).trim()));
    }

    /** Destroys the domain (and undefines it when persistent). */
    public static void destroy(Spec s) {
        LibvirtDaemon.virsh("destroy", s.domainName());
        if (s.persistent()) LibvirtDaemon.virsh("undefine", s.domainName());
    }

    private static Path console(Spec s, Path dir) {
        return dir.toAbsolutePath().resolve(s.name() + ".console.log");
    }

    /** The lines the guest printed on its console so far (the kernel's console is not always valid UTF-8: read byte for byte). */
    public static java.util.List<String> consoleLines(Spec s, Path dir) {
        try {
            Path console = console(s, dir);
            if (!Files.exists(console)) return java.util.List.of();
            return new String(Files.readAllBytes(console), java.nio.charset.StandardCharsets.ISO_8859_1).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readyLine(Path console) {
        try {
            if (!Files.exists(console)) return "";
            // the kernel's console is not always valid UTF-8: read it byte for byte
            String text = new String(Files.readAllBytes(console), java.nio.charset.StandardCharsets.ISO_8859_1);
            return text.lines().filter(l -> l.startsWith("memvisor-guest: ready")).findFirst().orElse("");
        } catch (IOException e) {
            return "";
        }
    }
}
