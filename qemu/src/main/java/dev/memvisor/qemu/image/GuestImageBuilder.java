package dev.memvisor.qemu.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Builds a small Linux guest from distribution packages: the Debian cloud kernel (unpacked by
 * scripts/install-deps.sh), static busybox, the virtio modules up to virtio_balloon and virtio_mem
 * (memory hot-plug; the 6.1 cloud kernel has it as a module, CONFIG_VIRTIO_MEM=m), virtio_blk (the
 * guest's swap and cache disks) and the {@code mvload} workload compiled statically with gcc.
 */
public final class GuestImageBuilder {
    /** Where scripts/install-deps.sh unpacks the cloud kernel. */
    public static final Path DEFAULT_KERNEL_DIR = Path.of(Objects.requireNonNullElse(
            System.getenv("MEMVISOR_KERNEL_CACHE"), "/var/cache/memvisor/kernel"), "current");

    /** The virtio modules in load order; a module the kernel has built in is skipped. */
    public static final List<String> MODULE_ORDER = List.of(
            "virtio_ring", "virtio", "virtio_pci_legacy_dev", "virtio_pci_modern_dev", "virtio_pci", "virtio_balloon", "virtio_mem");

    /** Modules loaded after {@link #MODULE_ORDER}, each with its folder under kernel/ (virtio_blk: the swap and cache disks). */
    public static final java.util.Map<String, String> MORE_MODULES = java.util.Map.of("virtio_blk", "drivers/block");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path kernelDir;
    private final Path busybox;
    private final String gcc;

    /** A builder over this unpacked kernel package, busybox binary and C compiler. */
    public GuestImageBuilder(Path kernelDir, Path busybox, String gcc) {
        this.kernelDir = kernelDir;
        this.busybox = busybox;
        this.gcc = gcc;
    }

    /** A builder with the defaults: the install-deps kernel cache, /bin/busybox and gcc. */
    public static GuestImageBuilder defaults() {
        return new GuestImageBuilder(DEFAULT_KERNEL_DIR, Path.of("/bin/busybox"), "gcc");
    }

    /** The image in {@code out} if it was built from the current kernel, else a fresh build. */
    public GuestImage buildIfNeeded(Path out) {
        String version = kernelVersion();
        Path manifest = out.resolve("image.json");
        GuestImage existing = new GuestImage(out, version);
        try {
            if (existing.complete() && Files.isRegularFile(manifest)
                    && JSON.readTree(manifest.toFile()).path("kernel").asText().equals(version)
                    && JSON.readTree(manifest.toFile()).path("sources").asText().equals(sourcesDigest())) {
                return existing;
            }
        } catch (IOException e) {
            // unreadable manifest: rebuild
        }
        return build(out);
    }

    /**
     * Builds the image into {@code out} (created if missing), replacing what is there.
     *
     * @throws IllegalStateException naming the missing piece (kernel, module, busybox, gcc)
     */
    public GuestImage build(Path out) {
        String version = kernelVersion();
        Path modules = kernelDir.resolve("lib/modules").resolve(version);
        List<String> builtin = builtinModules(modules);
        List<Path> load = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (String m : MODULE_ORDER) addModule(modules, "drivers/virtio", m, builtin, load, skipped, version);
        for (var m : new java.util.TreeMap<>(MORE_MODULES).entrySet()) addModule(modules, m.getValue(), m.getKey(), builtin, load, skipped, version);
        if (!Files.isRegularFile(busybox)) {
            throw new IllegalStateException("no busybox at " + busybox + ": run scripts/install-deps.sh (installs busybox-static)");
        }
        try {
            Files.createDirectories(out);
            Path work = Files.createDirectories(out.resolve("work"));
            Path src = work.resolve("mvload.c");
            Path init = work.resolve("init");
            copyResource("mvload.c", src);
            copyResource("init.sh", init);
            Path mvload = work.resolve("mvload");
            compile(src, mvload);
            Path tmp = out.resolve("initramfs.cpio.gz.tmp");
            try (CpioWriter cpio = new CpioWriter(new GZIPOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp))))) {
                for (String d : List.of("bin", "dev", "etc", "lib", "lib/modules", "proc", "sys", "tmp")) cpio.directory(d);
                cpio.charDevice("dev/console", 0600, 5, 1);
                cpio.file("bin/busybox", 0755, Files.readAllBytes(busybox));
                cpio.symlink("bin/sh", "busybox");
                cpio.file("init", 0755, Files.readAllBytes(init));
                cpio.file("bin/mvload", 0755, Files.readAllBytes(mvload));
                StringBuilder order = new StringBuilder();
                for (Path ko : load) {
                    String name = ko.getFileName().toString().replace(".ko", "");
                    cpio.file("lib/modules/" + name + ".ko", 0644, Files.readAllBytes(ko));
                    order.append(name).append('\n');
                }
                cpio.file("etc/memvisor-modules", 0644, order.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            Files.move(tmp, out.resolve("initramfs.cpio.gz"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(kernelDir.resolve("boot/vmlinuz-" + version), out.resolve("vmlinuz"), StandardCopyOption.REPLACE_EXISTING);
            ObjectNode manifest = JSON.createObjectNode();
            manifest.put("kernel", version);
            manifest.putPOJO("modules", load.stream().map(p -> p.getFileName().toString()).toList());
            manifest.putPOJO("builtin", skipped);
            manifest.put("busybox", busybox.toString());
            manifest.put("sources", sourcesDigest());
            JSON.writerWithDefaultPrettyPrinter().writeValue(out.resolve("image.json").toFile(), manifest);
            return new GuestImage(out, version);
        } catch (IOException e) {
            throw new UncheckedIOException("building the guest image in " + out + ": " + e.getMessage(), e);
        }
    }

    /** The release of the kernel in the kernel directory, from its boot/vmlinuz-VERSION file. */
    public String kernelVersion() {
        Path boot = kernelDir.resolve("boot");
        if (!Files.isDirectory(boot)) {
            throw new IllegalStateException("no Debian cloud kernel in " + kernelDir
                    + ": run scripts/install-deps.sh (it unpacks linux-image-cloud-amd64 there) or pass --kernel-dir");
        }
        try (Stream<Path> s = Files.list(boot)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("vmlinuz-")).sorted()
                    .reduce((a, b) -> b).map(n -> n.substring("vmlinuz-".length()))
                    .orElseThrow(() -> new IllegalStateException("no vmlinuz-* in " + boot));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SHA-256 of the guest's init and workload sources, so an image is rebuilt when they change. */
    static String sourcesDigest() {
        try {
            var md = java.security.MessageDigest.getInstance("SHA-256");
            for (String r : List.of("init.sh", "mvload.c")) {
                try (InputStream in = GuestImageBuilder.class.getResourceAsStream(r)) {
                    if (in == null) throw new IllegalStateException("resource " + r + " missing from the memvisor jar");
                    md.update(in.readAllBytes());
                }
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Adds module {@code name} from {@code kernel/FOLDER/} to {@code load}, or to {@code skipped} when built in. */
    private static void addModule(Path modules, String folder, String name, List<String> builtin, List<Path> load, List<String> skipped,
                                  String version) {
        Path ko = modules.resolve("kernel/" + folder + "/" + name + ".ko");
        if (Files.isRegularFile(ko)) load.add(ko);
        else if (builtin.contains(name)) skipped.add(name);
        else throw new IllegalStateException("kernel " + version + " has no module " + name + " (looked for " + ko + " and in modules.builtin)");
    }

    private static List<String> builtinModules(Path modules) {
        Path f = modules.resolve("modules.builtin");
        if (!Files.isRegularFile(f)) return List.of();
        try {
            return Files.readAllLines(f).stream().map(l -> l.substring(l.lastIndexOf('/') + 1).replace(".ko", "")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void compile(Path src, Path bin) throws IOException {
        Process p = new ProcessBuilder(gcc, "-O2", "-static", "-o", bin.toString(), src.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("gcc did not finish compiling " + src + " within 120 s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted compiling " + src);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(gcc + " -static failed on " + src + " (needs gcc and libc6-dev: run scripts/install-deps.sh):\n" + output);
        }
    }

    private static void copyResource(String name, Path to) throws IOException {
        try (InputStream in = GuestImageBuilder.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("resource " + name + " missing from the memvisor jar");
            Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
