package dev.memvisor.cli.qemu;

import dev.memvisor.qemu.image.GuestImage;
import dev.memvisor.qemu.image.GuestImageBuilder;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code memvisor guest-image}: builds the small Linux guest (cloud kernel, busybox, virtio modules, workload). */
@Command(name = "guest-image", mixinStandardHelpOptions = true,
        description = "Build a small Linux guest image: the Debian cloud kernel, a busybox initramfs with the virtio"
                + " modules up to virtio_balloon and virtio_mem, and the mvload workload and CPU reporter.")
public final class GuestImageCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "Directory to write vmlinuz, initramfs.cpio.gz and image.json to.")
    Path out;

    @Option(names = "--kernel-dir", description = "The unpacked linux-image-cloud-amd64 package (default: ${DEFAULT-VALUE}).")
    Path kernelDir = GuestImageBuilder.DEFAULT_KERNEL_DIR;

    @Option(names = "--busybox", description = "A static busybox binary (default: ${DEFAULT-VALUE}).")
    Path busybox = Path.of("/bin/busybox");

    @Option(names = "--force", description = "Rebuild even if the image is up to date.")
    boolean force;

    @Override
    public Integer call() {
        var builder = new GuestImageBuilder(kernelDir, busybox, "gcc");
        System.err.println("memvisor guest-image: building in " + out + " ...");
        GuestImage img = force ? builder.build(out) : builder.buildIfNeeded(out);
        System.out.println("kernel " + img.kernelVersion() + ": " + img.kernel());
        System.out.println("initramfs: " + img.initramfs());
        return 0;
    }
}
