package dev.memvisor.qemu.act;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Sets Linux zswap, the host's compressed swap cache (pages on their way to the swap device are
 * compressed into a RAM pool first, and come back from it without disk I/O): {@code enabled},
 * {@code compressor} and {@code max_pool_percent} (the pool's cap, % of RAM), and puts back what it
 * found when the manager is done. It is memvisor's memory compression on real hosts: ESX compresses
 * pages into a per-VM cache before it swaps them. Source: Documentation/admin-guide/mm/zswap.rst.
 */
public final class ZswapControl {
    /**
     * zswap's knobs as found or set.
     *
     * @param enabled        whether new pages go through zswap
     * @param compressor     the compression algorithm (lzo, lz4, zstd...; what the kernel's crypto API has)
     * @param maxPoolPercent the pool's cap, % of RAM
     */
    public record Settings(boolean enabled, String compressor, int maxPoolPercent) {}

    private final Path dir;

    /** Controls the zswap parameters in {@code dir} (normally /sys/module/zswap/parameters). */
    public ZswapControl(Path dir) {
        this.dir = dir;
    }

    /** The system's zswap parameters directory. */
    public static Path systemDir() {
        return Path.of("/sys/module/zswap/parameters");
    }

    /** Whether this kernel has zswap (its parameters are there). */
    public boolean available() {
        return Files.isRegularFile(dir.resolve("enabled"));
    }

    /** The knobs as they are now. */
    public Settings read() {
        String en = readKnob("enabled");
        int pool;
        try {
            pool = Integer.parseInt(readKnob("max_pool_percent"));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("zswap: " + dir.resolve("max_pool_percent") + " is not a number", e);
        }
        return new Settings(en.equals("Y") || en.equals("1"), readKnob("compressor"), pool);
    }

    /**
     * Applies settings: the compressor and pool cap first, {@code enabled} last, so no page is stored with
     * the old compressor or cap after zswap is turned on. A value already set is not written again.
     *
     * @throws UncheckedIOException naming the file and value the kernel refused (e.g. a compressor it lacks)
     */
    public void apply(Settings s) {
        if (s.compressor() != null && !s.compressor().isBlank()) write("compressor", s.compressor());
        write("max_pool_percent", Integer.toString(s.maxPoolPercent()));
        write("enabled", s.enabled() ? "Y" : "N");
    }

    /** Puts saved knobs back (pages already in the pool stay there until they are read back or written out). */
    public void restore(Settings s) {
        write("enabled", "N");
        write("compressor", s.compressor());
        write("max_pool_percent", Integer.toString(s.maxPoolPercent()));
        write("enabled", s.enabled() ? "Y" : "N");
    }

    private String readKnob(String knob) {
        Path p = dir.resolve(knob);
        try {
            return Files.readString(p).trim();
        } catch (IOException e) {
            throw new IllegalStateException("zswap: cannot read " + p + " (" + e.getMessage() + ")", e);
        }
    }

    private void write(String knob, String value) {
        Path p = dir.resolve(knob);
        try {
            String now = Files.readString(p).trim();
            if (now.equals(value) || knob.equals("enabled") && (now.equals("1") ? "Y" : now.equals("0") ? "N" : now).equals(value)) return;
            Files.writeString(p, value);
        } catch (IOException e) {
            throw new UncheckedIOException("zswap: cannot write " + value + " to " + p + " (" + e.getMessage() + "; root needed, and a compressor"
                    + " the kernel has: see /proc/crypto)", e);
        }
    }
}
