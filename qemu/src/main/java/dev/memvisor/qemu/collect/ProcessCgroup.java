package dev.memvisor.qemu.collect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The cgroup v2 (unified) cgroup a process is in, from {@code /proc/PID/cgroup}'s {@code 0::PATH} line
 * (Documentation/admin-guide/cgroup-v2.rst, "Processes"), so a VM whose QEMU already runs in a cgroup
 * of its own (a libvirt or systemd-run scope) has its memory pressure read from there.
 */
public final class ProcessCgroup {
    private ProcessCgroup() {}

    /**
     * The directory of the v2 cgroup {@code pid} is in, under {@code unifiedRoot}, when no other process
     * shares it (so its memory.pressure is the process's own); null otherwise (the root cgroup, a shared
     * one, no v2 hierarchy, or the process gone).
     */
    public static Path ownV2Cgroup(Path procRoot, Path unifiedRoot, long pid) {
        if (unifiedRoot == null || pid <= 0) return null;
        try {
            for (String line : Files.readAllLines(procRoot.resolve(pid + "/cgroup"))) {
                if (!line.startsWith("0::")) continue;
                String rel = line.substring(3);
                if (rel.equals("/") || rel.isEmpty()) return null;
                Path dir = unifiedRoot.resolve(rel.substring(1));
                if (!Files.isRegularFile(dir.resolve("memory.pressure"))) return null;
                List<String> procs = Files.readAllLines(dir.resolve("cgroup.procs"));
                return procs.size() == 1 && procs.get(0).trim().equals(Long.toString(pid)) ? dir : null;
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }
}
