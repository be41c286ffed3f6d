package dev.memvisor.qemu.manager;

import java.nio.file.Path;

/**
 * Where the manager reads and writes the host's state (tests may point elsewhere).
 *
 * @param procRoot   /proc
 * @param ksmDir     /sys/kernel/mm/ksm
 * @param cgroupRoot /sys/fs/cgroup
 * @param damonAdmin /sys/kernel/mm/damon/admin
 * @param zswapDir   /sys/module/zswap/parameters, or null: zswap is never touched
 */
public record HostPaths(Path procRoot, Path ksmDir, Path cgroupRoot, Path damonAdmin, Path zswapDir) {
    /** Paths under which zswap is never touched. */
    public HostPaths(Path procRoot, Path ksmDir, Path cgroupRoot, Path damonAdmin) {
        this(procRoot, ksmDir, cgroupRoot, damonAdmin, null);
    }

    /** This host's real paths. */
    public static HostPaths system() {
        return new HostPaths(Path.of("/proc"), Path.of("/sys/kernel/mm/ksm"), Path.of("/sys/fs/cgroup"), Path.of("/sys/kernel/mm/damon/admin"),
                Path.of("/sys/module/zswap/parameters"));
    }
}
