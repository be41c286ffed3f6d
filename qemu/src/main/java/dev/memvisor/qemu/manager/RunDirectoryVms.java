package dev.memvisor.qemu.manager;

import dev.memvisor.qemu.launch.QemuProcessFinder;
import dev.memvisor.qemu.launch.RunDirectory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The QEMUs {@code memvisor run} manages when host.yaml lists none: those of memvisor's run directory
 * ({@link RunDirectory}), one directory per guest, {@code DIR/NAME/qmp.sock}, whose socket a live
 * QEMU process serves (its {@code -qmp unix:PATH} in /proc/PID/cmdline). Each becomes VM NAME with
 * the defaults of a {@code vms[]} entry: its memory as QEMU reports it, no reservation, normal shares.
 */
public final class RunDirectoryVms {
    private RunDirectoryVms() {}

    /**
     * The live QEMUs under {@code runDir}, by directory name; a socket no QEMU serves (a guest that
     * exited) and a directory whose name cannot name a VM are skipped, the latter said on {@code events}.
     */
    public static List<VmConfig> find(Path runDir, Path procRoot, Consumer<String> events) {
        List<VmConfig> out = new ArrayList<>();
        if (!Files.isDirectory(runDir)) return out;
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(runDir, Files::isDirectory)) {
            s.forEach(dirs::add);
        } catch (IOException e) {
            events.accept("run directory " + runDir + ": cannot be listed (" + e.getMessage() + "); no QEMU taken from it");
            return out;
        }
        dirs.sort(null);
        for (Path d : dirs) {
            Path socket = d.resolve(RunDirectory.QMP_SOCKET);
            if (!Files.exists(socket)) continue;
            String name = d.getFileName().toString();
            if (!name.matches("[A-Za-z0-9_.-]+") || name.matches("\\.+")) {
                events.accept("run directory " + runDir + ": " + name + " is not a VM name (letters, digits, '.', '_' or '-'); skipped");
                continue;
            }
            if (QemuProcessFinder.pidForSocket(procRoot, socket).isEmpty()) continue;
            out.add(new VmConfig(name, socket, -1, 0, -1, "normal", true));
        }
        return out;
    }
}
