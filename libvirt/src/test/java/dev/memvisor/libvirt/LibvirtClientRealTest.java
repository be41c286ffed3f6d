package dev.memvisor.libvirt;

import dev.memvisor.qemu.launch.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The client against a real libvirtd (started by the test) and real TCG domains booting memvisor's
 * guest image: one with a virtio balloon, defined persistently with memvisor metadata, one
 * without a balloon. What the client reads or writes is checked from outside, with virsh, /proc
 * and the domain's cgroup.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LibvirtClientRealTest {
    private static final long MIB = 1L << 20;
    private static final Duration SETTLE = Duration.ofSeconds(60);
    private static final String METADATA = "<memvisor:vm xmlns:memvisor='" + MemvisorMetadata.NAMESPACE + "'>"
            + "<memvisor:shares>high</memvisor:shares><memvisor:reservation unit='MiB'>64</memvisor:reservation></memvisor:vm>";
    private final Path dir = Path.of(System.getProperty("memvisor.root", ".")).resolve("libvirt/target/libvirt-test/client");
    private final TestDomains.Spec bal = TestDomains.Spec.balloon("bal", 192).withMetadata(METADATA).asPersistent();
    private final TestDomains.Spec nobal = TestDomains.Spec.balloon("nobal", 128).withoutBalloon();
    private final RecordingListener events = new RecordingListener();
    private final List<String> log = new ArrayList<>();
    private LibvirtDaemon daemon;
    private LibvirtClient client;
    private DomainId balId;
    private DomainId nobalId;

    @BeforeAll
    void startDomains() throws InterruptedException {
        daemon = LibvirtDaemon.start(dir);
        TestDomains.start(bal, dir);
        TestDomains.start(nobal, dir);
        assertThat(TestDomains.awaitReady(bal, dir)).contains("balloon=yes");
        assertThat(TestDomains.awaitReady(nobal, dir)).contains("balloon=no");
        balId = TestDomains.id(bal);
        nobalId = TestDomains.id(nobal);
        client = LibvirtClient.open(LibvirtDaemon.URI, events, line -> {
            synchronized (log) {
                log.add(line);
            }
        });
    }

    @AfterAll
    void stopAll() {
        try {
            if (client != null) client.close();
            assertThat(LibvirtEventLoop.running()).as("the event loop thread ends with the last client").isFalse();
        } finally {
            if (daemon != null) daemon.close();
        }
    }

    @Test
    void reportsTheRunningDomainsAtOpenWithTheirMemory() {
        assertThat(events.events()).contains(RecordingListener.startedLine(balId), RecordingListener.startedLine(nobalId));
        assertThat(client.runningDomains()).contains(balId, nobalId);
        assertThat(client.knownDomains()).contains(balId, nobalId);
        assertThat(client.memory(balId)).isEqualTo(new DomainMemory(192 * MIB, 192 * MIB));
        assertThat(client.memory(nobalId).maxMemoryBytes()).isEqualTo(128 * MIB);
        assertThat(client.uri()).isEqualTo("qemu:///system");
        assertThat(client.connected()).isTrue();
    }

    @Test
    void theBalloonDeviceAndMemvisorsMetadataComeFromTheDomainXml() {
        DomainXml x = client.domainXml(balId);
        assertThat(x.hasBalloon()).isTrue();
        assertThat(x.balloonModel()).isEqualTo("virtio");
        assertThat(x.metadata()).isEqualTo(new MemvisorMetadata(Optional.of("high"), OptionalLong.of(64 * MIB), OptionalLong.empty(), Optional.empty()));
        DomainXml y = client.domainXml(nobalId);
        assertThat(y.hasBalloon()).isFalse();
        assertThat(y.balloonModel()).isEqualTo("none");
        assertThat(y.metadata().isEmpty()).isTrue();
    }

    @Test
    void theStatsPeriodIsSetWhenZeroAndTheGuestsStatisticsFollow() throws InterruptedException {
        // with period 0 the guest's driver reported once, at its start, and QEMU never asks again: stale figures
        assertThat(client.domainXml(balId).statsPeriodSeconds()).isZero();
        long bootReport = dommemstat(bal).getOrDefault("last_update", 0L);
        assertThat(client.ensureStatsPeriod(balId, 2)).isTrue();
        assertThat(client.ensureStatsPeriod(balId, 5)).as("a period already set is left alone").isFalse();
        assertThat(client.domainXml(balId).statsPeriodSeconds()).isEqualTo(2);
        assertThat(client.ensureStatsPeriod(nobalId, 2)).as("no balloon, nothing to set").isFalse();

        BalloonStats s = Await.until(SETTLE, () -> client.balloonStats(balId), x -> x.guestReported() && x.lastUpdateEpochSeconds() > bootReport);
        assertThat(s.lastUpdateEpochSeconds()).as("the guest reports again once the period is set: %s", s).isGreaterThan(bootReport);
        Map<String, Long> virsh = dommemstat(bal);
        assertThat(s.availableBytes()).isEqualTo(virsh.get("available") * 1024);
        assertThat(s.actualBytes()).isEqualTo(virsh.get("actual") * 1024).isEqualTo(192 * MIB);
        assertThat(s.availableBytes()).isBetween(140 * MIB, 192 * MIB); // the guest's MemTotal: RAM less the kernel's reservations
        assertThat(s.usableBytes()).isPositive().isLessThanOrEqualTo(s.availableBytes());
        assertThat(s.rssBytes()).isPositive();

        BalloonStats none = client.balloonStats(nobalId);
        assertThat(none.guestReported()).isFalse();
        assertThat(none.actualBytes()).isEqualTo(-1);
    }

    @Test
    void theBalloonIsSetLiveAsVirshSeesIt() throws InterruptedException {
        client.setCurrentMemory(balId, 128 * MIB);
        Supplier<Long> actual = () -> dommemstat(bal).get("actual");
        assertThat(Await.until(SETTLE, actual, a -> a == 128 * 1024)).isEqualTo(128 * 1024);
        assertThat(Await.until(SETTLE, () -> client.memory(balId).currentMemoryBytes(), c -> c == 128 * MIB)).isEqualTo(128 * MIB);
        assertThat(client.memory(balId).balloonTargetBytes()).isEqualTo(64 * MIB);
        // live only: the persistent definition keeps its 192 MiB
        assertThat(LibvirtDaemon.virsh("dumpxml", "--inactive", bal.domainName())).contains("<currentMemory unit='KiB'>196608</currentMemory>");

        client.setCurrentMemory(balId, 192 * MIB);
        assertThat(Await.until(SETTLE, actual, a -> a == 192 * 1024)).isEqualTo(192 * 1024);
    }

    @Test
    void aDomainWithoutBalloonRefusesTheBalloonWithAMessageNamingIt() {
        assertThatThrownBy(() -> client.setCurrentMemory(nobalId, 64 * MIB))
                .isInstanceOf(LibvirtCallException.class)
                .hasMessageStartingWith("libvirt qemu:///system: domain " + nobal.domainName() + ": set the balloon so the guest has 64M (virDomainSetMemoryFlags, live): ")
                .hasMessageContaining("balloon");
    }

    @Test
    void memtuneIsReadAndWrittenLiveIntoTheDomainsCgroup() throws IOException {
        MemTune before = client.memtune(balId);
        assertThat(before.hardLimitBytes()).isEqualTo(MemTune.UNLIMITED);
        assertThat(before.softLimitBytes()).isEqualTo(MemTune.UNLIMITED);
        assertThat(before.minGuaranteeBytes()).as("the QEMU driver has no min_guarantee").isEqualTo(MemTune.ABSENT);
        try {
            client.setMemtune(balId, MemTune.UNCHANGED.withHardLimit(768 * MIB).withSoftLimit(512 * MIB));
            MemTune after = client.memtune(balId);
            assertThat(after.hardLimitBytes()).isEqualTo(768 * MIB);
            assertThat(after.softLimitBytes()).isEqualTo(512 * MIB);
            assertThat(after.swapHardLimitBytes()).isEqualTo(before.swapHardLimitBytes());
            assertThat(LibvirtDaemon.virsh("memtune", bal.domainName())).containsPattern("hard_limit\\s*:\\s*786432").containsPattern("soft_limit\\s*:\\s*524288");
            long pid = client.qemuPid(balId).orElseThrow();
            assertThat(cgroupHardLimit(pid)).isEqualTo(768 * MIB);

            assertThatThrownBy(() -> client.setMemtune(balId, MemTune.UNCHANGED.withMinGuarantee(64 * MIB)))
                    .isInstanceOfSatisfying(LibvirtCallException.class, e -> {
                        assertThat(e.kind()).isEqualTo(LibvirtCallException.Kind.UNSUPPORTED);
                        assertThat(e.domain()).isEqualTo(bal.domainName());
                    })
                    .hasMessageContaining("libvirt qemu:///system: domain " + bal.domainName() + ": set memtune{")
                    .hasMessageContaining("min_guarantee");
        } finally {
            client.setMemtune(balId, MemTune.UNCHANGED.withHardLimit(MemTune.UNLIMITED).withSoftLimit(MemTune.UNLIMITED));
        }
        assertThat(client.memtune(balId).hardLimitBytes()).isEqualTo(MemTune.UNLIMITED);
    }

    @Test
    void theQemuPidIsTheOneLibvirtRecorded() throws IOException {
        long pid = client.qemuPid(balId).orElseThrow();
        assertThat(pid).isEqualTo(Long.parseLong(Files.readString(Path.of("/run/libvirt/qemu/" + bal.domainName() + ".pid")).trim()));
        assertThat(client.qemuPid(balId)).isEqualTo(OptionalLong.of(pid)); // cached and still right
        assertThat(client.qemuPid(nobalId).orElseThrow()).isNotEqualTo(pid);
    }

    @Test
    void metadataWrittenIsWhatVirshAndTheClientReadBack() {
        MemvisorMetadata m = new MemvisorMetadata(Optional.of("500"), OptionalLong.of(32 * MIB), OptionalLong.of(160 * MIB), Optional.of(true));
        try {
            client.setMetadata(balId, m);
            assertThat(client.domainXml(balId).metadata()).isEqualTo(m);
            String outside = LibvirtDaemon.virsh("metadata", bal.domainName(), MemvisorMetadata.NAMESPACE);
            assertThat(MemvisorMetadata.parse(outside)).isEqualTo(m);
            // persistent domain: the definition has it too
            assertThat(LibvirtDaemon.virsh("dumpxml", "--inactive", bal.domainName())).contains(MemvisorMetadata.NAMESPACE).contains(">500<");

            client.setMetadata(balId, MemvisorMetadata.NONE);
            assertThat(client.domainXml(balId).metadata()).isEqualTo(MemvisorMetadata.NONE);

            LibvirtDaemon.virsh("metadata", bal.domainName(), MemvisorMetadata.NAMESPACE, "--key", "memvisor", "--live",
                    "--set", "<vm><shares>lots</shares></vm>");
            assertThat(client.domainXml(balId).metadataProblem()).hasValueSatisfying(p -> assertThat(p).contains("shares: got 'lots'"));
        } finally {
            client.setMetadata(balId, MemvisorMetadata.parse(METADATA));
        }
    }

    @Test
    void followsADomainStartedAndDestroyedWhileConnected() throws InterruptedException {
        TestDomains.Spec late = TestDomains.Spec.balloon("late", 128);
        TestDomains.start(late, dir);
        DomainId lateId = TestDomains.id(late);
        try {
            assertThat(Await.until(SETTLE, events::events, e -> e.contains(RecordingListener.startedLine(lateId))))
                    .contains(RecordingListener.startedLine(lateId));
            assertThat(client.knownDomains()).contains(lateId);
        } finally {
            TestDomains.destroy(late);
        }
        assertThat(Await.until(SETTLE, events::events, e -> e.contains(RecordingListener.stoppedLine(lateId))))
                .containsOnlyOnce(RecordingListener.startedLine(lateId), RecordingListener.stoppedLine(lateId));
        assertThat(client.knownDomains()).doesNotContain(lateId);

        assertThatThrownBy(() -> client.memory(lateId))
                .isInstanceOfSatisfying(LibvirtCallException.class, e -> assertThat(e.kind()).isEqualTo(LibvirtCallException.Kind.DOMAIN_GONE))
                .hasMessageStartingWith("libvirt qemu:///system: domain " + late.domainName() + ": read its memory (virDomainGetInfo): ");
    }

    /** {@code virsh dommemstat}: tag -> value (KiB for sizes). */
    private static Map<String, Long> dommemstat(TestDomains.Spec s) {
        return LibvirtDaemon.virsh("dommemstat", s.domainName()).lines().map(String::trim).filter(l -> l.contains(" "))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(' ')), l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))));
    }

    /** The hard limit of the memory cgroup QEMU runs in, read from the cgroup file system (v1 or v2). */
    private static long cgroupHardLimit(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
            String[] f = line.split(":", 3);
            if (f[1].equals("memory")) return Long.parseLong(Files.readString(Path.of("/sys/fs/cgroup/memory" + f[2], "memory.limit_in_bytes")).trim());
        }
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
            String[] f = line.split(":", 3);
            if (f[0].equals("0")) {
                String max = Files.readString(Path.of("/sys/fs/cgroup" + f[2], "memory.max")).trim();
                return max.equals("max") ? MemTune.UNLIMITED : Long.parseLong(max);
            }
        }
        throw new AssertionError("no memory cgroup for pid " + pid);
    }
}
