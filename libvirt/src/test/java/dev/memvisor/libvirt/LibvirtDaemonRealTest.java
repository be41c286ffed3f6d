package dev.memvisor.libvirt;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The test fixture leaves nothing behind: no domain, no QEMU, no daemon it started, no cgroup libvirt made. */
class LibvirtDaemonRealTest {
    private final Path dir = Path.of(System.getProperty("memvisor.root", ".")).resolve("libvirt/target/libvirt-test/daemon");

    @Test
    void closingTheFixtureLeavesNothingBehind() throws Exception {
        List<Path> partitionsBefore = LibvirtDaemon.machinePartitions();
        boolean runDirBefore = Files.exists(Path.of("/run/libvirt"));
        long libvirtd;
        TestDomains.Spec s = TestDomains.Spec.balloon("left", 128).asPersistent();
        try (LibvirtDaemon daemon = LibvirtDaemon.start(dir)) {
            Assumptions.assumeTrue(daemon.owned(), "a libvirtd this test did not start runs here");
            libvirtd = daemon.libvirtdPid();
            TestDomains.start(s, dir); // left running and defined on purpose
            assertThat(LibvirtDaemon.runningTestDomains()).containsExactly(s.domainName());
            assertThat(LibvirtDaemon.machinePartitions()).isNotEmpty();
        }
        assertThat(ProcessHandle.of(libvirtd)).isEmpty();
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().command().orElse("").endsWith("/virtlogd")
                || p.info().arguments().map(a -> String.join(" ", a).contains("guest=" + s.domainName())).orElse(false))).isEmpty();
        assertThat(LibvirtDaemon.machinePartitions()).isEqualTo(partitionsBefore);
        assertThat(Files.exists(Path.of("/run/libvirt"))).isEqualTo(runDirBefore);
        assertThat(Files.exists(dir.resolve(s.domainName() + ".log"))).as("the domain's QEMU log is kept with the test's logs").isTrue();
    }
}
