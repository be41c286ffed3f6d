package dev.memvisor.cli.migrate;

import dev.memvisor.qemu.launch.RunDirectory;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a guest's QMP socket is: {@code RUN_DIR/NAME/qmp.sock}, the layout the guest launchers use
 * (one directory per guest), or NAME itself when it is a path to a socket.
 */
final class VmSocket {
    /** The run directory when --run-dir is not given: $MEMVISOR_RUN_DIR, else /tmp/memvisor/run. */
    static final String DEFAULT_RUN_DIR = "${env:" + RunDirectory.ENV + ":-" + RunDirectory.FALLBACK + "}";

    private VmSocket() {}

    /** The socket of guest {@code vm}; the message names the guest and the paths tried. */
    static Path resolve(String vm, Path runDir) {
        Path direct = Path.of(vm);
        if (vm.contains("/") && Files.exists(direct)) return direct;
        Path sock = runDir.resolve(vm).resolve(RunDirectory.QMP_SOCKET);
        if (!Files.exists(sock)) {
            throw new IllegalArgumentException("guest " + vm + ": no QMP socket at " + sock
                    + " (give --run-dir, the directory holding one directory per guest, or --vm PATH-TO-SOCKET)");
        }
        return sock;
    }
}
