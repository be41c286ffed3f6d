package dev.memvisor.qemu.act;

import java.nio.file.Path;

/**
 * A memory cgroup made for one test and removed on close, waiting (with a deadline) until its
 * processes have left, since a cgroup with members cannot be removed.
 */
public final class TestCgroup implements AutoCloseable {
    private final MemoryCgroup cgroup;

    private TestCgroup(MemoryCgroup cgroup) {
        this.cgroup = cgroup;
    }

    /** Makes memvisor/NAME-PID on this host's memory hierarchy (v1 or v2). */
    public static TestCgroup create(String name) {
        MemoryCgroup.Hierarchy h = MemoryCgroup.detect(Path.of("/sys/fs/cgroup"));
        return new TestCgroup(h.create(name + "-" + ProcessHandle.current().pid()));
    }

    /** The cgroup. */
    public MemoryCgroup get() { return cgroup; }

    /**
     * Removes the cgroup once its processes are gone (and the parent if empty), and on a hybrid host the cgroup of
     * the same name the manager made in the unified hierarchy for the VM's memory pressure; fails naming the
     * directory if one stays.
     */
    @Override
    public void close() throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        Path unified = cgroup.version() == MemoryCgroup.Version.V1 ? MemoryCgroup.unifiedRoot(Path.of("/sys/fs/cgroup")) : null;
        Path pressure = unified == null ? null : unified.resolve("memvisor").resolve(cgroup.dir().getFileName());
        while (pressure != null && java.nio.file.Files.exists(pressure)) {
            try {
                java.nio.file.Files.deleteIfExists(pressure);
            } catch (java.io.IOException e) {
                if (System.nanoTime() > deadline) throw new IllegalStateException("cgroup " + pressure + " still exists 20 s after its test");
                Thread.sleep(100);
            }
        }
        if (pressure != null) {
            try {
                java.nio.file.Files.deleteIfExists(pressure.getParent());
            } catch (java.io.IOException e) {
                // another test's VM still has its cgroup there
            }
        }
        while (!cgroup.remove()) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("cgroup " + cgroup.dir() + " still exists 20 s after its test");
            Thread.sleep(100);
        }
        try {
            // the shared parent memvisor/ goes too once no other test's cgroup is in it (rmdir refuses a non-empty cgroup)
            java.nio.file.Files.deleteIfExists(cgroup.dir().getParent());
        } catch (java.io.IOException e) {
            // another cgroup still lives there
        }
    }
}
