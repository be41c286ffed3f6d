package dev.memvisor.qemu.act;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A memory cgroup for one VM's QEMU process, carrying its limit so the host reclaims (swaps) the VM
 * beyond it. Works with cgroup v2 (memory.max) or v1 (memory.limit_in_bytes), whichever has the
 * memory controller. Sources: Documentation/admin-guide/cgroup-v2.rst, cgroup-v1/memory.rst.
 */
public final class MemoryCgroup {
    /** Which cgroup interface the memory controller is on. */
    public enum Version { V1, V2 }

    private static final String MEMSW = "memory.memsw.limit_in_bytes";

    private final Path dir;
    private final Version version;

    private MemoryCgroup(Path dir, Version version) {
        this.dir = dir;
        this.version = version;
    }

    /**
     * The mount point of this host's cgroup v2 (unified) hierarchy: {@code cgroupRoot} itself on a pure v2
     * host, {@code cgroupRoot/unified} on a hybrid one (systemd's layout, where the memory controller may be
     * on v1), or null when there is none. Its cgroups have memory.pressure with or without the memory controller.
     */
    public static Path unifiedRoot(Path cgroupRoot) {
        for (Path p : new Path[] {cgroupRoot, cgroupRoot.resolve("unified")}) {
            if (Files.isRegularFile(p.resolve("cgroup.controllers"))) return p;
        }
        return null;
    }

    /** Where the memory controller is on this host: v2 if a unified hierarchy lists it, else v1. */
    public static Hierarchy detect(Path cgroupRoot) {
        for (Path p : new Path[] {cgroupRoot, cgroupRoot.resolve("unified")}) {
            try {
                Path c = p.resolve("cgroup.controllers");
                if (Files.isRegularFile(c) && Files.readString(c).contains("memory")) return new Hierarchy(p, Version.V2);
            } catch (IOException e) {
                // unreadable: try the next place
            }
        }
        Path v1 = cgroupRoot.resolve("memory");
        if (Files.isRegularFile(v1.resolve("memory.limit_in_bytes"))) return new Hierarchy(v1, Version.V1);
        throw new IllegalStateException("no memory cgroup controller under " + cgroupRoot + " (neither v2 nor v1)");
    }

    /**
     * The root of the memory controller's hierarchy.
     *
     * @param root    the directory cgroups are made in
     * @param version v1 or v2
     */
    public record Hierarchy(Path root, Version version) {
        /**
         * Makes (or reuses) {@code root/memvisor/NAME}.
         *
         * @throws IllegalStateException naming the VM and the directory when it cannot be made
         */
        public MemoryCgroup create(String vmName) {
            Path parent = root.resolve("memvisor");
            Path dir = parent.resolve(vmName);
            try {
                if (version == Version.V2 && !Files.exists(parent)) {
                    Files.createDirectories(parent);
                }
                if (version == Version.V2) {
                    // children only get the memory controller if the parent delegates it
                    Files.writeString(parent.resolve("cgroup.subtree_control"), "+memory");
                }
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new IllegalStateException("vm " + vmName + ": cannot make memory cgroup " + dir + " (" + e.getMessage() + ")", e);
            }
            return new MemoryCgroup(dir, version);
        }
    }

    /** A cgroup v2 group someone else made (libvirt's group of a domain): read and written, never moved or removed. */
    public static MemoryCgroup existingV2(Path dir) {
        return new MemoryCgroup(dir, Version.V2);
    }

    /** The cgroup's directory. */
    public Path dir() { return dir; }

    /** v1 or v2. */
    public Version version() { return version; }

    /** Moves a process (all its threads) into this cgroup. */
    public void add(long pid) {
        if (version == Version.V1) {
            try {
                // charge the process's existing memory to the new group too (v1 only)
                Files.writeString(dir.resolve("memory.move_charge_at_immigrate"), "3");
            } catch (IOException e) {
                // deprecated on new kernels; the limit still applies to new charges
            }
        }
        write("cgroup.procs", Long.toString(pid));
    }

    /** Whether the process is in this cgroup. */
    public boolean contains(long pid) {
        try {
            return Files.readAllLines(dir.resolve("cgroup.procs")).contains(Long.toString(pid));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Sets the memory limit in bytes (Long.MAX_VALUE: none). Beyond it the kernel reclaims the
     * group's pages, swapping anonymous memory (guest RAM) out when the host has swap. On v1 the
     * memory+swap limit (memory.memsw.limit_in_bytes, present when the kernel accounts swap) must
     * stay at least the memory limit, or the write fails with EINVAL; it is lifted to "no limit"
     * first, so the group may swap as much as it needs (cgroup-v1/memory.rst, section 2.4).
     */
    public void setLimit(long bytes) {
        if (version == Version.V1 && Files.exists(dir.resolve(MEMSW)) && parseLimit(read(MEMSW)) < bytes) write(MEMSW, "-1");
        write(limitFile(), limitValue(bytes));
    }

    /**
     * Sets the throttling point (Long.MAX_VALUE: none): on v2 {@code memory.high}, above which the
     * group's allocations are throttled and reclaimed at once (cgroup-v2.rst, "memory.high"); on v1
     * {@code memory.soft_limit_in_bytes}, to which the group is pushed back first when the host is
     * short of memory (v1 has no throttle; {@link #setLimit} is its hard stop).
     */
    public void setHigh(long bytes) {
        write(highFile(), limitValue(bytes));
    }

    /** The throttling point set by {@link #setHigh} (Long.MAX_VALUE: none). */
    public long high() {
        return parseLimit(read(highFile()));
    }

    /** Whether the kernel accounts swap per cgroup (v2 memory.swap.current, v1 memory.memsw.* with swapaccount on). */
    public boolean swapAccounted() {
        return Files.exists(dir.resolve(version == Version.V2 ? "memory.swap.current" : MEMSW));
    }

    /** Swap used by the group's processes: v2 memory.swap.current, v1 the "swap" line of memory.stat; 0 when the kernel does not account swap. */
    public long swapBytes() {
        if (version == Version.V2) {
            return Files.exists(dir.resolve("memory.swap.current")) ? Long.parseLong(read("memory.swap.current")) : 0;
        }
        for (String line : read("memory.stat").split("\n")) {
            if (line.startsWith("swap ")) return Long.parseLong(line.substring(5).trim());
        }
        return 0;
    }

    /** The memory limit in bytes (Long.MAX_VALUE: none). */
    public long limit() {
        return parseLimit(read(limitFile()));
    }

    private String limitFile() {
        return version == Version.V2 ? "memory.max" : "memory.limit_in_bytes";
    }

    private String highFile() {
        return version == Version.V2 ? "memory.high" : "memory.soft_limit_in_bytes";
    }

    /** What a limit file takes for {@code bytes}: Long.MAX_VALUE is "max" on v2 and "-1" on v1. */
    private String limitValue(long bytes) {
        return bytes == Long.MAX_VALUE ? (version == Version.V2 ? "max" : "-1") : Long.toString(bytes);
    }

    /** A limit file's value: "max" (v2) or a v1 value near 2^63 (its "unlimited") mean Long.MAX_VALUE. */
    private static long parseLimit(String v) {
        if (v.equals("max")) return Long.MAX_VALUE;
        long l = Long.parseLong(v);
        return l >= Long.MAX_VALUE / 2 ? Long.MAX_VALUE : l;
    }

    /** memory.stat as name to value (bytes for sizes, counts for events). */
    public java.util.Map<String, Long> stat() {
        java.util.Map<String, Long> out = new java.util.LinkedHashMap<>();
        for (String line : read("memory.stat").split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 2) {
                try {
                    out.put(f[0], Long.parseLong(f[1]));
                } catch (NumberFormatException e) {
                    // not a number: skip
                }
            }
        }
        return out;
    }

    /**
     * Whether the kernel accounts and limits the group's compressed swap (cgroup v2 with zswap: memory.zswap.max,
     * and memory.stat's zswap and zswapped); v1 has neither.
     */
    public boolean zswapAccounted() {
        return version == Version.V2 && Files.exists(dir.resolve("memory.zswap.max"));
    }

    /**
     * Caps the group's compressed swap pool (v2 {@code memory.zswap.max}, bytes of compressed memory; 0 sends
     * its pages straight to the swap device; Long.MAX_VALUE: no cap). Source: cgroup-v2.rst, "memory.zswap.max".
     *
     * @throws IllegalStateException on v1, which has no per-group zswap control
     */
    public void setZswapMax(long bytes) {
        if (!zswapAccounted()) throw new IllegalStateException("cgroup " + dir + ": no memory.zswap.max (cgroup v1, or a kernel without zswap)");
        write("memory.zswap.max", limitValue(bytes));
    }

    /** The group's compressed swap cap (Long.MAX_VALUE: none). */
    public long zswapMax() {
        return parseLimit(read("memory.zswap.max"));
    }

    /** Memory charged to the cgroup now. */
    public long usageBytes() {
        return Long.parseLong(read(version == Version.V2 ? "memory.current" : "memory.usage_in_bytes"));
    }

    /** Removes the (empty) cgroup; returns whether it is gone. */
    public boolean remove() {
        try {
            Files.deleteIfExists(dir);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void write(String file, String value) {
        Path p = dir.resolve(file);
        try {
            Files.writeString(p, value);
        } catch (IOException e) {
            throw new UncheckedIOException("cgroup " + dir + ": cannot write " + value + " to " + file + " (" + e.getMessage() + ")", e);
        }
    }

    private String read(String file) {
        try {
            return Files.readString(dir.resolve(file)).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cgroup " + dir + ": cannot read " + file + " (" + e.getMessage() + ")", e);
        }
    }
}
