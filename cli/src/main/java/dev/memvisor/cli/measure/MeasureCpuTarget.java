package dev.memvisor.cli.measure;

import dev.memvisor.qemu.cpu.CpuReporterMissingException;
import dev.memvisor.qemu.launch.QemuProcessFinder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * A running guest started by memvisor's launcher, found by name: {@code RUN_DIR/NAME/} holds its
 * {@code qmp.sock} and {@code cpu.log} (the second serial port); its QEMU is the process whose command
 * line names that socket.
 *
 * @param name   the guest's name
 * @param socket its QMP socket
 * @param cpuLog the CPU reporter's serial log
 * @param pid    the QEMU process
 */
record MeasureCpuTarget(String name, Path socket, Path cpuLog, long pid) {

    /** Finds guest {@code vm} (a name under {@code runDir}, or a path to its QMP socket); messages name what is missing. */
    static MeasureCpuTarget find(String vm, Path runDir, Path procRoot) {
        Path socket = vm.contains("/") ? Path.of(vm) : runDir.resolve(vm).resolve(dev.memvisor.qemu.launch.RunDirectory.QMP_SOCKET);
        String name = vm.contains("/") ? socket.toAbsolutePath().getParent().getFileName().toString() : vm;
        if (!Files.exists(socket)) {
            throw new IllegalArgumentException("unknown VM '" + vm + "': no QMP socket at " + socket
                    + (vm.contains("/") ? "" : "; guests in " + runDir + ": " + guestsIn(runDir)
                    + " (give --run-dir, the directory holding one directory per guest, or --vm PATH-TO-SOCKET)"));
        }
        OptionalLong pid = QemuProcessFinder.pidForSocket(procRoot, socket);
        if (pid.isEmpty()) throw new IllegalStateException("guest " + name + ": no running QEMU serves " + socket + " (the guest has stopped)");
        Path cpuLog = socket.toAbsolutePath().getParent().resolve("cpu.log");
        String cmdline = cmdline(procRoot, pid.getAsLong());
        if (!Files.exists(cpuLog) || !cmdline.contains("cpu.log")) {
            throw new CpuReporterMissingException("guest " + name + ": its second serial port is not written to " + cpuLog
                    + ": start it with memvisor's launcher (or -serial file:" + cpuLog + " as the second -serial option)");
        }
        String cpuParam = param(cmdline, "memvisor.cpu=");
        if (cpuParam == null || cpuParam.equals("0")) {
            throw new CpuReporterMissingException("guest " + name + " (QEMU pid " + pid.getAsLong() + ") runs without the CPU reporter (kernel parameter memvisor.cpu="
                    + (cpuParam == null ? "not given" : "0") + "): start it with memvisor.cpu=SECONDS (GuestSpec.withCpuReport)");
        }
        return new MeasureCpuTarget(name, socket, cpuLog, pid.getAsLong());
    }

    private static String cmdline(Path procRoot, long pid) {
        try {
            return new String(Files.readAllBytes(procRoot.resolve(Long.toString(pid)).resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            throw new IllegalStateException("QEMU (pid " + pid + ") has exited");
        }
    }

    private static String param(String cmdline, String key) {
        int i = cmdline.indexOf(key);
        if (i < 0) return null;
        int e = i + key.length();
        while (e < cmdline.length() && !Character.isWhitespace(cmdline.charAt(e))) e++;
        return cmdline.substring(i + key.length(), e);
    }

    private static String guestsIn(Path runDir) {
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(runDir)) {
            s.filter(d -> Files.exists(d.resolve("qmp.sock"))).forEach(d -> names.add(d.getFileName().toString()));
        } catch (IOException e) {
            return "(cannot list: " + e.getMessage() + ")";
        }
        names.sort(null);
        return names.isEmpty() ? "none" : String.join(", ", names);
    }
}
