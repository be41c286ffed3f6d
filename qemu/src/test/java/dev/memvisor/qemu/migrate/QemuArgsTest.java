package dev.memvisor.qemu.migrate;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The destination's command line derived from a source's, and strategy names. */
class QemuArgsTest {
    private static final List<String> SOURCE = List.of("qemu-system-x86_64", "-name", "web1", "-machine", "pc,mem-merge=on",
            "-accel", "tcg,tb-size=64", "-m", "512M", "-kernel", "/img/vmlinuz", "-append", "console=ttyS0 memvisor.ws=0",
            "-serial", "file:/run/web1/console.log", "-serial", "file:/run/web1/cpu.log",
            "-qmp", "unix:/run/web1/qmp.sock,server=on,wait=off", "-incoming", "tcp:0:4444", "-pidfile", "/run/web1/pid", "-daemonize",
            "-object", "iothread,id=io0", "-device", "virtio-balloon-pci,id=balloon0,free-page-hint=on,iothread=io0");

    @Test
    void theDestinationKeepsMachineAndDevicesAndGetsItsOwnFiles() {
        List<String> d = QemuArgs.destination(SOURCE, "web1-dest", Path.of("/run/web1-dest"));
        assertThat(d).containsSubsequence("-name", "web1-dest")
                .containsSubsequence("-machine", "pc,mem-merge=on")
                .containsSubsequence("-m", "512M")
                .containsSubsequence("-append", "console=ttyS0 memvisor.ws=0")
                .containsSubsequence("-serial", "file:/run/web1-dest/console.log", "-serial", "file:/run/web1-dest/cpu.log")
                .containsSubsequence("-qmp", "unix:/run/web1-dest/qmp.sock,server=on,wait=off")
                .containsSubsequence("-object", "iothread,id=io0", "-device", "virtio-balloon-pci,id=balloon0,free-page-hint=on,iothread=io0")
                .endsWith("-incoming", "defer");
        assertThat(d).doesNotContain("tcp:0:4444", "-pidfile", "/run/web1/pid", "-daemonize", "web1", "file:/run/web1/console.log");
        assertThat(d.stream().filter(a -> a.equals("-incoming")).count()).isEqualTo(1);
    }

    @Test
    void theDestinationKeepsTheNameOptionsSoItsVcpuThreadsAreNamedToo() {
        List<String> src = List.of("qemu-system-x86_64", "-name", "web1,debug-threads=on", "-m", "512M");
        assertThat(QemuArgs.destination(src, "web1-dest", Path.of("/d"))).containsSubsequence("-name", "web1-dest,debug-threads=on");
        List<String> guestForm = List.of("qemu-system-x86_64", "-name", "guest=web1,debug-threads=on");
        assertThat(QemuArgs.destination(guestForm, "w2", Path.of("/d"))).containsSubsequence("-name", "guest=w2,debug-threads=on");
    }

    @Test
    void detectsFreePageHint() {
        assertThat(QemuArgs.hasFreePageHint(SOURCE)).isTrue();
        assertThat(QemuArgs.hasFreePageHint(List.of("-device", "virtio-balloon-pci,id=b,free-page-reporting=on"))).isFalse();
    }

    @Test
    void parsesStrategyNames() {
        for (MigrationStrategy s : MigrationStrategy.values()) assertThat(MigrationStrategy.parse(s.cliName())).isEqualTo(s);
        assertThat(MigrationStrategy.FREE_PAGE_HINT.cliName()).isEqualTo("free-page-hint");
        assertThatThrownBy(() -> MigrationStrategy.parse("fast")).hasMessageContaining("fast").hasMessageContaining("balloon-first");
    }
}
