package dev.memvisor.qemu.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Chooses KVM when /dev/kvm boots a guest, TCG otherwise. Some hosts (nested virtualization) have
 * a /dev/kvm whose guests never boot, so the probe boots a real guest with a deadline. The result
 * is cached per host boot in the temp directory, so later runs skip the probe.
 */
final class AcceleratorProbe {
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(20);

    private AcceleratorProbe() {}

    static Accelerator choose(GuestLauncher launcher, Consumer<String> log) {
        String forced = System.getenv("MEMVISOR_ACCEL");
        if (forced != null && !forced.isBlank()) {
            Accelerator a = Accelerator.valueOf(forced.trim().toUpperCase(java.util.Locale.ROOT));
            log.accept("accelerator: " + a + " (forced by MEMVISOR_ACCEL)");
            return a;
        }
        Path kvm = Path.of("/dev/kvm");
        if (!Files.isReadable(kvm) || !Files.isWritable(kvm)) {
            log.accept("accelerator: TCG (no usable /dev/kvm)");
            return Accelerator.TCG;
        }
        Path cache = Path.of(System.getProperty("java.io.tmpdir"), "memvisor-accel-" + bootId());
        try {
            if (Files.exists(cache)) {
                Accelerator a = Accelerator.valueOf(Files.readString(cache).trim());
                log.accept("accelerator: " + a + " (probed earlier this boot, cached in " + cache + ")");
                return a;
            }
        } catch (IOException | IllegalArgumentException e) {
            // probe again
        }
        Accelerator a;
        try (Guest g = launcher.startProcess(GuestSpec.idle("kvm-probe", 128L << 20), Accelerator.KVM)) {
            g.awaitReady(PROBE_TIMEOUT);
            a = Accelerator.KVM;
            log.accept("accelerator: KVM (a probe guest booted)");
        } catch (GuestStartException e) {
            a = Accelerator.TCG;
            log.accept("accelerator: TCG (/dev/kvm exists but a probe guest did not boot within "
                    + PROBE_TIMEOUT.toSeconds() + " s; nested KVM?)");
        }
        try {
            Files.writeString(cache, a.name());
        } catch (IOException e) {
            // no cache: probe again next time
        }
        return a;
    }

    private static String bootId() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
