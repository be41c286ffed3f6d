package dev.memvisor.density.real;

import dev.memvisor.density.mix.Mix;
import dev.memvisor.density.mix.MixGuest;
import dev.memvisor.qemu.launch.GuestOptions;
import dev.memvisor.qemu.launch.GuestSpec;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Turns a mix's guest into what the launcher starts: the spec (memory, page contents, no
 * {@code memvisor.ws} workload) and the options (swap disk, cache disk, the schedule's kernel
 * parameters). Cache disks are files of random bytes, one per size, shared read-only by the guests
 * that read one of that size (random, so neither KSM nor a compressing device could shrink them).
 */
final class GuestFactory {
    private final Mix mix;
    private final Path dir;
    private final Map<Long, Path> caches = new HashMap<>();

    GuestFactory(Mix mix, Path dir) {
        this.mix = mix;
        this.dir = dir;
    }

    GuestSpec spec(MixGuest g, String name) {
        return GuestSpec.idle(name, g.memoryBytes()).withWorkload(0, 0, g.fill());
    }

    GuestOptions options(MixGuest g) {
        return new GuestOptions(g.swapBytes(), g.cacheBytes() > 0 ? cache(g.cacheBytes()) : null,
                g.schedule().kernelArgs(mix.step().toSeconds(), g.cacheOps()));
    }

    private synchronized Path cache(long bytes) {
        return caches.computeIfAbsent(bytes, b -> {
            Path f = dir.resolve("cache-" + b + ".img");
            try (OutputStream out = Files.newOutputStream(f)) {
                SplittableRandom r = new SplittableRandom(b);
                byte[] chunk = new byte[1 << 20];
                for (long done = 0; done < b; done += chunk.length) {
                    for (int i = 0; i < chunk.length; i += 8) {
                        long v = r.nextLong();
                        for (int k = 0; k < 8; k++) chunk[i + k] = (byte) (v >>> (8 * k));
                    }
                    out.write(chunk, 0, (int) Math.min(chunk.length, b - done));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the cache disk " + f + ": " + e.getMessage(), e);
            }
            return f;
        });
    }
}
