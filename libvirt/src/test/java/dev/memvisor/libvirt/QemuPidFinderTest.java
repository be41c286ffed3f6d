package dev.memvisor.libvirt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class QemuPidFinderTest {
    private static final String UUID = "1d046693-4197-4e78-8191-f7c0ded0bc20";
    @TempDir Path proc;

    @Test
    void findsTheQemuWhoseUuidArgumentMatches() throws IOException {
        process(10, "bash", "-c", "echo -uuid");
        process(11, "/usr/bin/qemu-system-x86_64", "-name", "guest=other", "-uuid", "0aa3eb5e-0000-4000-8000-000000000001");
        process(12, "/usr/bin/qemu-system-x86_64", "-name", "guest=web,debug-threads=on", "-uuid", UUID, "-m", "192");
        Files.createDirectories(proc.resolve("self"));
        assertThat(QemuPidFinder.find(proc, UUID)).isEqualTo(OptionalLong.of(12));
        assertThat(QemuPidFinder.find(proc, UUID.toUpperCase(java.util.Locale.ROOT))).isEqualTo(OptionalLong.of(12));
        assertThat(QemuPidFinder.hasUuid(proc, 11, UUID)).isFalse();
        assertThat(QemuPidFinder.find(proc, "0aa3eb5e-0000-4000-8000-00000000ffff")).isEmpty();
    }

    @Test
    void aUuidMentionedElsewhereOnTheCommandLineIsNotAMatch() throws IOException {
        process(20, "grep", UUID, "/var/log/libvirt/qemu/web.log");
        assertThat(QemuPidFinder.find(proc, UUID)).isEmpty();
    }

    @Test
    void aVanishedProcessIsNoMatch() {
        assertThat(QemuPidFinder.hasUuid(proc, 4242, UUID)).isFalse();
    }

    @Test
    void onlyLocalUrisHaveVisibleProcesses() {
        assertThat(LibvirtClient.isLocal("qemu:///system")).isTrue();
        assertThat(LibvirtClient.isLocal("qemu:///session")).isTrue();
        assertThat(LibvirtClient.isLocal("qemu+ssh://root@kvm7/system")).isFalse();
    }

    private void process(int pid, String... args) throws IOException {
        Path d = Files.createDirectories(proc.resolve(Integer.toString(pid)));
        Files.writeString(d.resolve("cmdline"), String.join("\0", args) + "\0");
    }
}
