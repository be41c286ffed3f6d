package dev.memvisor.libvirt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The domain's v2 group from its QEMU's /proc/PID/cgroup, in libvirt's layouts (https://libvirt.org/cgroups.html), on a fake tree. */
class DomainCgroupTest {
    @TempDir Path dir;

    private Path proc(String cgroupFile) throws IOException {
        Path p = dir.resolve("proc/42");
        Files.createDirectories(p);
        Files.writeString(p.resolve("cgroup"), cgroupFile);
        return dir.resolve("proc");
    }

    private Path group(String rel) throws IOException {
        Path g = dir.resolve("unified").resolve(rel);
        Files.createDirectories(g);
        Files.writeString(g.resolve("memory.pressure"), "some avg10=0.00 avg60=0.00 avg300=0.00 total=17\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=5\n");
        return g;
    }

    @Test
    void underSystemdTheMachineScopeAboveLibvirtsThreadGroups() throws IOException {
        Path scope = group("machine.slice/machine-qemu\\x2d1\\x2dweb.scope");
        group("machine.slice/machine-qemu\\x2d1\\x2dweb.scope/libvirt/emulator");
        StringBuilder why = new StringBuilder();
        assertThat(DomainCgroup.pressureDir(proc("0::/machine.slice/machine-qemu\\x2d1\\x2dweb.scope/libvirt/emulator\n"), dir.resolve("unified"), 42, why))
                .isEqualTo(scope);
        assertThat(why).isEmpty();
    }

    @Test
    void withoutSystemdLibvirtsOwnGroupInItsPartition() throws IOException {
        Path g = group("machine/qemu-3-db.libvirt-qemu");
        assertThat(DomainCgroup.pressureDir(proc("0::/machine/qemu-3-db.libvirt-qemu/emulator\n"), dir.resolve("unified"), 42, new StringBuilder())).isEqualTo(g);
    }

    @Test
    void aV1MemoryControllerIsNotObserved() throws IOException {
        group("machine/qemu-3-db.libvirt-qemu");
        StringBuilder why = new StringBuilder();
        Path p = proc("9:pids:/\n4:memory:/machine/qemu-3-db.libvirt-qemu/emulator\n1:name=systemd:/\n0::/machine/qemu-3-db.libvirt-qemu\n");
        assertThat(DomainCgroup.pressureDir(p, dir.resolve("unified"), 42, why)).isNull();
        assertThat(why.toString()).isEqualTo("its memory cgroup is v1 (memtune soft_limit is no throttle there)");
    }

    @Test
    void aQemuOutsideLibvirtsGroupsOrWithoutPsiOrNotVisibleIsNotObserved() throws IOException {
        StringBuilder why = new StringBuilder();
        assertThat(DomainCgroup.pressureDir(proc("0::/user.slice/session-1.scope\n"), dir.resolve("unified"), 42, why)).isNull();
        assertThat(why.toString()).isEqualTo("its QEMU is in /user.slice/session-1.scope, not in a group libvirt made for the domain");
        Files.createDirectories(dir.resolve("unified/machine/qemu-4-x.libvirt-qemu"));
        why.setLength(0);
        assertThat(DomainCgroup.pressureDir(proc("0::/machine/qemu-4-x.libvirt-qemu\n"), dir.resolve("unified"), 42, why)).isNull();
        assertThat(why.toString()).endsWith("qemu-4-x.libvirt-qemu has no memory.pressure (a kernel without PSI?)");
        why.setLength(0);
        assertThat(DomainCgroup.pressureDir(dir.resolve("proc"), dir.resolve("unified"), -1, why)).isNull();
        assertThat(why.toString()).isEqualTo("its QEMU is not visible here");
    }
}
