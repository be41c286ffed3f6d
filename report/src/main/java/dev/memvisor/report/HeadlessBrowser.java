package dev.memvisor.report;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Renders a report page to a PNG with headless Chromium (Debian package {@code chromium}), so a test
 * or a person can look at a report as a browser draws it, scripts and all. The flags are those that
 * keep Chromium from reaching for the network on a closed machine.
 */
public final class HeadlessBrowser {
    /** Where Debian installs it; {@code MEMVISOR_CHROMIUM} overrides. */
    public static final String DEFAULT_BINARY = "/usr/bin/chromium";

    private HeadlessBrowser() {}

    /** The Chromium binary to use. */
    public static Path binary() {
        String env = System.getenv("MEMVISOR_CHROMIUM");
        return Path.of(env == null || env.isBlank() ? DEFAULT_BINARY : env);
    }

    /**
     * Renders {@code page} at the given window size into {@code png} and returns the image.
     *
     * @throws IOException when Chromium is missing, fails, or takes longer than 60 s (its output is in the message)
     */
    public static BufferedImage screenshot(Path page, Path png, int width, int height) throws IOException {
        Path chromium = binary();
        if (!Files.isExecutable(chromium)) {
            throw new IOException(chromium + " not found: install Debian's chromium package (scripts/install-deps.sh does) or set MEMVISOR_CHROMIUM");
        }
        Path profile = Files.createTempDirectory("memvisor-chromium");
        List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--hide-scrollbars", "--user-data-dir=" + profile, "--window-size=" + width + "," + height,
                "--virtual-time-budget=5000", "--screenshot=" + png.toAbsolutePath(), page.toAbsolutePath().toUri().toString()));
        Path log = Files.createTempFile("memvisor-chromium", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("chromium did not finish rendering " + page + " within 60 s");
            }
            if (p.exitValue() != 0 || !Files.exists(png)) {
                throw new IOException("chromium failed (exit " + p.exitValue() + ") rendering " + page + ": " + Files.readString(log));
            }
            return ImageIO.read(png.toFile());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while rendering " + page, e);
        } finally {
            Files.deleteIfExists(log);
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        }
    }
}
