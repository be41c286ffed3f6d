package dev.memvisor.cli.migrate;

import dev.memvisor.qemu.image.GuestImage;
import dev.memvisor.qemu.image.GuestImageBuilder;
import dev.memvisor.qemu.migrate.MigrationPeerLauncher;

import java.nio.file.Path;
import java.time.Duration;

/** The migration peers of the cli's real-guest tests: the project's guest image, guests under a run directory. */
final class MigrationPeers {
    /** Boot deadline for a test guest: generous, since CI runs TCG on two shared cores. */
    static final Duration BOOT = Duration.ofSeconds(180);

    private MigrationPeers() {}

    /** A launcher whose guests live under {@code run}, the image built once into qemu/target; progress goes to stderr. */
    static MigrationPeerLauncher in(Path run) {
        Path root = Path.of(System.getProperty("memvisor.root", "."));
        GuestImage image = GuestImageBuilder.defaults().buildIfNeeded(root.resolve("qemu/target/guest-image"));
        return new MigrationPeerLauncher(image, run, l -> System.err.println("[test] " + l));
    }
}
