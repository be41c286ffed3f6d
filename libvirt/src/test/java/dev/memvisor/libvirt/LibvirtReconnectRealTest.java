package dev.memvisor.libvirt;

import dev.memvisor.qemu.launch.Await;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * libvirtd restarted under a connected client: the client notices, reconnects by itself, and
 * reports what happened meanwhile (a domain whose QEMU died while libvirtd was down, one started
 * right after it came back) once each; events and calls work again afterwards.
 */
class LibvirtReconnectRealTest {
    private static final Duration SETTLE = Duration.ofSeconds(90);
    private final Path dir = Path.of(System.getProperty("memvisor.root", ".")).resolve("libvirt/target/libvirt-test/reconnect");

    @Test
    void reconnectsAfterALibvirtdRestartAndLosesNothing() throws Exception {
        TestDomains.Spec stays = TestDomains.Spec.balloon("stays", 128).withStatsPeriod(3);
        TestDomains.Spec dies = TestDomains.Spec.balloon("dies", 128).withoutBalloon();
        TestDomains.Spec comes = TestDomains.Spec.balloon("comes", 128);
        RecordingListener events = new RecordingListener();
        List<String> log = new ArrayList<>();
        try (LibvirtDaemon daemon = LibvirtDaemon.start(dir)) {
            Assumptions.assumeTrue(daemon.owned(), "a libvirtd this test did not start runs here: it is not restarted by tests");
            TestDomains.start(stays, dir);
            TestDomains.start(dies, dir);
            TestDomains.awaitReady(stays, dir);
            DomainId staysId = TestDomains.id(stays);
            DomainId diesId = TestDomains.id(dies);
            long diesPid = Long.parseLong(java.nio.file.Files.readString(Path.of("/run/libvirt/qemu/" + dies.domainName() + ".pid")).trim());
            try (LibvirtClient client = LibvirtClient.open(LibvirtDaemon.URI, events, line -> {
                synchronized (log) {
                    log.add(line);
                }
            })) {
                assertThat(events.events()).containsExactlyInAnyOrder(RecordingListener.startedLine(staysId), RecordingListener.startedLine(diesId));

                daemon.stopLibvirtd();
                assertThat(Await.until(SETTLE, client::connected, c -> !c)).as("the client sees libvirtd go").isFalse();
                assertThat(events.disconnects()).isEqualTo(1);
                assertThatThrownBy(() -> client.memory(staysId))
                        .isInstanceOfSatisfying(LibvirtCallException.class, e -> assertThat(e.kind()).isEqualTo(LibvirtCallException.Kind.CONNECTION))
                        .hasMessageStartingWith("libvirt qemu:///system: read its memory (virDomainGetInfo): not connected to libvirtd; reconnecting");
                // while libvirtd is down, one domain's QEMU dies
                ProcessHandle.of(diesPid).ifPresent(ProcessHandle::destroyForcibly);
                assertThat(Await.until(SETTLE, () -> ProcessHandle.of(diesPid).isPresent(), alive -> !alive)).isFalse();

                daemon.startLibvirtd();
                TestDomains.start(comes, dir);
                DomainId comesId = TestDomains.id(comes);
                assertThat(Await.until(SETTLE, client::connected, c -> c)).as("reconnected").isTrue();
                assertThat(Await.until(SETTLE, events::events, e -> e.contains(RecordingListener.startedLine(comesId))
                        && e.contains(RecordingListener.stoppedLine(diesId))))
                        .containsOnlyOnce(RecordingListener.startedLine(staysId), RecordingListener.stoppedLine(diesId), RecordingListener.startedLine(comesId))
                        .doesNotContain(RecordingListener.stoppedLine(staysId));
                assertThat(events.reconnects()).isEqualTo(1);
                assertThat(client.knownDomains()).contains(staysId, comesId).doesNotContain(diesId);

                // calls and events work on the new connection; the stats period from the XML survived the restart
                assertThat(client.memory(staysId).maxMemoryBytes()).isEqualTo(128L << 20);
                assertThat(client.domainXml(staysId).statsPeriodSeconds()).isEqualTo(3);
                assertThat(client.ensureStatsPeriod(staysId, 2)).as("a period the domain has is left alone").isFalse();
                TestDomains.destroy(comes);
                assertThat(Await.until(SETTLE, events::events, e -> e.contains(RecordingListener.stoppedLine(comesId))))
                        .containsOnlyOnce(RecordingListener.stoppedLine(comesId));
            }
            assertThat(LibvirtEventLoop.running()).isFalse();
            synchronized (log) {
                assertThat(log).anySatisfy(l -> assertThat(l).startsWith("libvirt qemu:///system: connection closed (EOF); reconnecting"))
                        .anySatisfy(l -> assertThat(l).startsWith("libvirt qemu:///system: reconnected after "));
            }
        }
        assertThat(Thread.getAllStackTraces().keySet()).noneSatisfy(t -> assertThat(t.getName()).startsWith("memvisor-libvirt"));
    }
}
