package dev.memvisor.libvirt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Finds the QEMU process of a libvirt domain by the {@code -uuid UUID} libvirt passes on QEMU's
 * command line, as oVirt MOM does (mom/HypervisorInterfaces/libvirtInterface.py, _domainGetPid):
 * libvirt's API has no call for the pid, and its pid file lives in a directory that depends on the
 * driver and URI. Works for any local URI; for a remote one there is no local process.
 */
public final class QemuPidFinder {
    private QemuPidFinder() {}

    /** The pid of the process under {@code procRoot} whose arguments hold {@code -uuid uuid}. */
    public static OptionalLong find(Path procRoot, String uuid) {
        try (Stream<Path> s = Files.list(procRoot)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                if (n.isEmpty() || !Character.isDigit(n.charAt(0))) continue;
                if (hasUuid(procRoot, Long.parseLong(n), uuid)) return OptionalLong.of(Long.parseLong(n));
            }
        } catch (IOException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    /** Whether process {@code pid} still runs QEMU for this domain (a cached pid is checked with this). */
    public static boolean hasUuid(Path procRoot, long pid, String uuid) {
        try {
            String[] args = new String(Files.readAllBytes(procRoot.resolve(pid + "/cmdline")), StandardCharsets.UTF_8).split("\0");
            for (int i = 0; i + 1 < args.length; i++) {
                if (args[i].equals("-uuid") && args[i + 1].equalsIgnoreCase(uuid)) return true;
            }
        } catch (IOException e) {
            // the process exited meanwhile, or is not ours to read
        }
        return false;
    }
}
