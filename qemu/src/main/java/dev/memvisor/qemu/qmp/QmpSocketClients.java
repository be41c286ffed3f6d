package dev.memvisor.qemu.qmp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How many clients a QMP socket has now, from the kernel's table of UNIX sockets: QEMU's monitor
 * serves one client at a time, and a second one waits for a greeting that never comes, so a tool
 * can say at once that another client (such as {@code memvisor run}) holds the monitor. A socket
 * QEMU accepted shows in /proc/net/unix with the listening socket's path and state 03 (connected),
 * one still waiting to be accepted with state 02 (proc(5), /proc/net/unix).
 */
public final class QmpSocketClients {
    private QmpSocketClients() {}

    /** The clients connected to or waiting on {@code socket}, from {@code procNetUnix} (normally /proc/net/unix); 0 when unreadable. */
    public static int count(Path procNetUnix, Path socket) {
        String want = socket.toAbsolutePath().normalize().toString();
        int n = 0;
        try {
            for (String line : Files.readAllLines(procNetUnix)) {
                String[] f = line.trim().split("\\s+");
                // Num RefCount Protocol Flags Type St Inode Path
                if (f.length >= 8 && f[7].equals(want) && (f[5].equals("03") || f[5].equals("02"))) n++;
            }
        } catch (IOException e) {
            return 0;
        }
        return n;
    }

    /** The hint for a tool that could not get a busy monitor's greeting. */
    public static String busyHint(Path socket) {
        return "another client holds the QMP socket " + socket + " (QEMU serves one client at a time); `memvisor run` holds the"
                + " socket of every VM it manages: stop it, or give the guest a second monitor (-qmp unix:PATH,server=on,wait=off) for this tool";
    }
}
