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

    /** Removes the cgroup once its processes are gone; fails naming the directory if it stays. */
    @Override
    public void close() throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!cgroup.remove()) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("cgroup " + cgroup.dir() + " still exists 20 s after its test");
            Thread.sleep(100);
        }
    }
}
