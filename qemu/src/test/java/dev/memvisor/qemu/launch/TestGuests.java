package dev.memvisor.qemu.launch;

import dev.memvisor.qemu.image.GuestImage;
import dev.memvisor.qemu.image.GuestImageBuilder;

import java.nio.file.Path;
import java.time.Duration;

/** The guest image and launcher shared by the tests that boot real QEMU guests (TCG in CI). */
public final class TestGuests {
    /** Boot deadline for a test guest: generous, since CI runs TCG on two shared cores. */
    public static final Duration BOOT = Duration.ofSeconds(180);
    private static GuestImage image;

    private TestGuests() {}

    /** The image, built once per test JVM into the module's target directory. */
    public static synchronized GuestImage image() {
        if (image == null) {
            Path root = Path.of(System.getProperty("memvisor.root", "."));
            image = GuestImageBuilder.defaults().buildIfNeeded(root.resolve("qemu/target/guest-image"));
        }
        return image;
    }

    /** A launcher whose guests live under {@code dir}; progress goes to stderr. */
    public static GuestLauncher launcher(Path dir) {
        return new GuestLauncher(image(), dir, line -> System.err.println("[test] " + line));
    }
}
