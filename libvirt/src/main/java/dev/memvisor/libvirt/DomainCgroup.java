package dev.memvisor.libvirt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a running domain's memory pressure can be read: the cgroup v2 group libvirt made for it, whose
 * {@code memory.pressure} counts the stalls of all its QEMU's threads (PSI, Documentation/accounting/psi.rst).
 * libvirt's consumer group of a domain is {@code machine-qemu\x2dN\x2dNAME.scope} under systemd-machined and
 * {@code qemu-N-NAME.libvirt-qemu} without it, in the domain's partition ({@code machine.slice},
 * {@code /machine}); libvirt puts the QEMU's threads in groups below it ({@code libvirt/emulator},
 * {@code libvirt/vcpuN}) (https://libvirt.org/cgroups.html). The group is read as libvirt placed it, never
 * moved or made: only where the memory controller is on v2, since only there is memtune's soft_limit a
 * throttle (memory.high) that the pressure can answer; on a v1 or hybrid host the domain is not observed.
 */
public final class DomainCgroup {
    private DomainCgroup() {}

    /**
     * The domain's v2 group as {@code pid}'s {@code /proc/PID/cgroup} names it, under {@code unifiedRoot}.
     *
     * @return the group's directory, or null when its pressure cannot be observed; {@code why} then gets the reason
     */
    public static Path pressureDir(Path procRoot, Path unifiedRoot, long pid, StringBuilder why) {
        if (pid <= 0 || unifiedRoot == null) {
            why.append(pid <= 0 ? "its QEMU is not visible here" : "this host has no cgroup v2 hierarchy");
            return null;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(procRoot.resolve(pid + "/cgroup"));
        } catch (IOException e) {
            why.append("cannot read ").append(procRoot.resolve(pid + "/cgroup")).append(" (").append(e.getMessage()).append(')');
            return null;
        }
        String v2 = null;
        for (String l : lines) {
            String[] f = l.split(":", 3);
            if (f.length < 3) continue;
            if (f[0].equals("0") && f[1].isEmpty()) v2 = f[2];
            else if (List.of(f[1].split(",")).contains("memory")) {
                why.append("its memory cgroup is v1 (memtune soft_limit is no throttle there)");
                return null;
            }
        }
        if (v2 == null) {
            why.append("its QEMU has no cgroup v2 group");
            return null;
        }
        String[] parts = v2.split("/");
        StringBuilder rel = new StringBuilder();
        for (String p : parts) {
            if (p.isEmpty()) continue;
            if (rel.length() > 0) rel.append('/');
            rel.append(p);
            if (isDomainGroup(p)) {
                Path dir = unifiedRoot.resolve(rel.toString());
                if (Files.isRegularFile(dir.resolve("memory.pressure"))) return dir;
                why.append(dir).append(" has no memory.pressure (a kernel without PSI?)");
                return null;
            }
        }
        why.append("its QEMU is in ").append(v2).append(", not in a group libvirt made for the domain");
        return null;
    }

    /** Whether a cgroup name is libvirt's group of one QEMU domain (systemd-machined's scope, or libvirt's own). */
    static boolean isDomainGroup(String name) {
        return name.startsWith("machine-qemu") && name.endsWith(".scope") || name.endsWith(".libvirt-qemu");
    }
}
