package dev.memvisor.qemu.launch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Finding a QEMU by its QMP socket and reading its accelerator, on a hand-made /proc. */
class QemuProcessFinderTest {
    @TempDir Path proc;

    private void process(String pid, String... args) throws Exception {
        Path p = Files.createDirectories(proc.resolve(pid));
        Files.writeString(p.resolve("cmdline"), String.join("\0", args) + "\0");
    }

    @Test
    void findsTheQemuServingTheSocketAndItsAccelerator() throws Exception {
        Files.createDirectories(proc.resolve("self"));
        process("10", "bash", "-c", "echo unix:/run/a.qmp,server=on");
        process("11", "qemu-system-x86_64", "-accel", "kvm", "-qmp", "unix:/run/a.qmp,server=on,wait=off");
        process("12", "qemu-system-x86_64", "-chardev", "socket,id=mon,path=/run/b.qmp,server=on", "-mon", "chardev=mon,mode=control");
        process("13", "qemu-system-x86_64", "-qmp", "unix:/run/a.qmp.old,server=on");
        assertThat(QemuProcessFinder.pidForSocket(proc, Path.of("/run/a.qmp"))).hasValue(11);
        assertThat(QemuProcessFinder.pidForSocket(proc, Path.of("/run/b.qmp"))).hasValue(12);
        assertThat(QemuProcessFinder.pidForSocket(proc, Path.of("/run/c.qmp"))).isEmpty();
        assertThat(QemuProcessFinder.acceleratorOf(proc, 11)).isEqualTo(Accelerator.KVM);
        assertThat(QemuProcessFinder.acceleratorOf(proc, 12)).isEqualTo(Accelerator.TCG);
    }
}
