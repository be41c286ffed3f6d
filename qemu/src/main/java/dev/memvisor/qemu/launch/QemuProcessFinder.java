package dev.memvisor.qemu.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.stream.Stream;

/** Finds the QEMU process that serves a QMP socket, by its command line in /proc (QMP has no "who am I"). */
public final class QemuProcessFinder {
    private QemuProcessFinder() {}

    /** The pid of the qemu-system process whose arguments name this socket path. */
    public static OptionalLong pidForSocket(Path procRoot, Path socket) {
        String want = socket.toAbsolutePath().normalize().toString();
        try (Stream<Path> s = Files.list(procRoot)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                if (n.isEmpty() || !Character.isDigit(n.charAt(0))) continue;
                try {
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (cmd.contains("qemu-system") && containsSocket(cmd, want)) return OptionalLong.of(Long.parseLong(n));
                } catch (IOException e) {
                    // process exited meanwhile
                }
            }
        } catch (IOException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    private static boolean containsSocket(String cmdline, String socket) {
        for (String arg : cmdline.split("\0")) {
            // -qmp unix:PATH,server=on,wait=off  or  -chardev socket,id=x,path=PATH,server=on
            if (arg.contains("unix:" + socket + ",") || arg.endsWith("unix:" + socket) || arg.contains("path=" + socket)) return true;
        }
        return false;
    }

    /** The accelerator a QEMU process was started with, from its command line (QEMU defaults to TCG). */
    public static Accelerator acceleratorOf(Path procRoot, long pid) {
        try {
            String[] args = new String(Files.readAllBytes(procRoot.resolve(pid + "/cmdline")), StandardCharsets.UTF_8).split("\0");
            for (int i = 0; i < args.length; i++) {
                if (args[i].equals("-enable-kvm") || args[i].contains("accel=kvm")) return Accelerator.KVM;
                if (args[i].equals("-accel") && i + 1 < args.length && args[i + 1].startsWith("kvm")) return Accelerator.KVM;
            }
        } catch (IOException e) {
            // gone: report the default
        }
        return Accelerator.TCG;
    }
}
