package dev.memvisor.libvirt.manager;

import dev.memvisor.core.control.Action;
import dev.memvisor.core.model.HotplugMemory;
import dev.memvisor.core.model.VmView;
import dev.memvisor.core.policy.PolicyConfig;
import dev.memvisor.core.policy.PolicyRegistry;
import dev.memvisor.libvirt.LibvirtDaemon;
import dev.memvisor.libvirt.TestDomains;
import dev.memvisor.qemu.act.VirtioMemPlug;
import dev.memvisor.qemu.manager.Decision;
import dev.memvisor.qemu.manager.DecisionJson;
import dev.memvisor.qemu.manager.HostConfig;
import dev.memvisor.qemu.manager.HostPaths;
import dev.memvisor.qemu.manager.KsmKeeper;
import dev.memvisor.qemu.manager.LoopSteps;
import dev.memvisor.qemu.manager.ManagerLoop;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongPredicate;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hyperv policy grows a real libvirt domain (TCG, libvirtd started by the test) past its boot memory
 * by raising its virtio-mem device's {@code <requested>} and shrinks it again when the host is short; checked
 * from outside: the guest's own MemTotal (printed on its console by its init) and the device's
 * {@code <requested>} and {@code <current>} in {@code virsh dumpxml}.
 */
class LibvirtVirtioMemRealTest {
    private static final long MIB = 1L << 20;
    private static final int BOOT_MIB = 256;
    private static final int REGION_MIB = 256;
    private static final long BLOCK = 2 * MIB;
    private static final Pattern MEMTOTAL = Pattern.compile("MemTotal: (\\d+) kB");
    private static final Pattern VIRTIO_MEM = Pattern.compile("<memory model='virtio-mem'>(.*?)</memory>", Pattern.DOTALL);
    private final Path dir = Path.of(System.getProperty("memvisor.root", ".")).resolve("libvirt/target/libvirt-test/virtio-mem");

    @Test
    void hypervHotAddsToGrowADomainAndUnplugsToShrinkIt() throws Exception {
        // the workload fills 140M once and holds it: committed about 155M, and with a 100 % buffer hyperv wants about 310M
        TestDomains.Spec spec = TestDomains.Spec.balloon("vmem", BOOT_MIB).withStatsPeriod(1).withWorkload(140, 0, "unique").withHotplug(REGION_MIB, 2, 0);
        String name = spec.domainName();
        List<String> events = new CopyOnWriteArrayList<>();
        try (LibvirtDaemon daemon = LibvirtDaemon.start(dir)) {
            TestDomains.start(spec, dir);
            String ready = TestDomains.awaitReady(spec, dir);
            assertThat(ready).contains("virtio_mem=yes");
            awaitConsole(spec, l -> l.contains("mvload: filled"), Duration.ofSeconds(120));
            long bootTotal = memTotalKib(ready);
            PolicyConfig pc = PolicyConfig.builder().hypervBufferPercent(100).build();
            String yaml = "interval: 1s\nbudget: 2G\nksm: {manage: false}\nstateFile: ''\nlibvirt:\n  enabled: true\n  uri: '" + LibvirtDaemon.URI + "'\n"
                    + "  domains:\n    - {name: " + name + ", reservation: 128M}\n";
            HostConfig cfg = HostConfig.parse(yaml.getBytes(StandardCharsets.UTF_8), "host.yaml", dir, List.of());
            LibvirtHost host = new LibvirtHost(cfg, HostPaths.system(), null, KsmKeeper.none(), Set.of(), List.of(), false, events::add);
            Path log = dir.resolve("decisions.jsonl");
            java.nio.file.Files.deleteIfExists(log);
            try (ManagerLoop loop = new ManagerLoop(cfg, PolicyRegistry.create("hyperv", pc), pc, host, d -> appendLine(log, DecisionJson.line(d, "hyperv", Instant.now())),
                    events::add)) {
                // grow: the guest's need is above its boot memory, so blocks are plugged
                Decision d = stepUntil(loop, name, x -> plugTarget(x, name) > 0, Duration.ofSeconds(60), events);
                VmView v = vm(d, name);
                HotplugMemory h = v.hotplug();
                assertThat(h).as("the domain's virtio-mem device, events %s", events).isNotNull();
                assertThat(h.bootBytes()).isEqualTo(BOOT_MIB * MIB);
                assertThat(h.maxPluggedBytes()).isEqualTo(REGION_MIB * MIB);
                assertThat(h.blockBytes()).isEqualTo(BLOCK);
                assertThat(v.settings().configuredBytes()).as("configured = boot + region").isEqualTo((BOOT_MIB + REGION_MIB) * MIB);
                long grown = plugTarget(d, name);
                assertThat(grown % BLOCK).isZero();
                assertThat(d.actions()).contains(new Action.Plug(name, grown));
                assertThat(DecisionJson.line(d, "hyperv", Instant.EPOCH)).contains("\"plug\":{\"boot\":" + BOOT_MIB * MIB).contains("\"plugSent\":" + grown);
                // libvirt took the request: <requested> in its live XML, from outside
                assertThat(deviceKib(name, "requested")).isEqualTo(grown / 1024);
                stepUntil(loop, name, x -> vm(x, name).hotplug().pluggedBytes() == grown, Duration.ofSeconds(60), events);
                // the decision that saw the plug may already have asked for more (the guest's need grows with its memory): MemTotal
                // follows what the device has plugged now, read from outside (virsh dumpxml <current>), at least the plug seen
                long[] current = new long[1];
                long grownTotal = awaitMemTotal(spec, kib -> {
                    current[0] = deviceKib(name, "current");
                    return current[0] >= grown / 1024 && kib - bootTotal >= current[0] - 8 * 1024 && kib - bootTotal <= current[0];
                }, Duration.ofSeconds(30));
                assertThat(current[0]).as("virsh dumpxml <current> (KiB)").isGreaterThanOrEqualTo(grown / 1024);
                assertThat(grownTotal - bootTotal).as("MemTotal rose by what was plugged (KiB)").isBetween(current[0] - 8 * 1024, current[0]);
                // QEMU's balloon (libvirt's actual) works within the boot memory, with blocks plugged or not: memvisor's balloon is relative to it
                Decision now = loop.step();
                long actualKib = dommemstat(name, "actual");
                assertThat(actualKib).as("virsh dommemstat actual (KiB) with %s plugged", grown).isLessThanOrEqualTo(BOOT_MIB * 1024L);
                // (within 4 MiB: the guest's driver may still be moving the balloon between the two reads)
                assertThat(vm(now, name).balloonBytes()).as("the balloon memvisor sees").isCloseTo(BOOT_MIB * MIB - actualKib * 1024, org.assertj.core.data.Offset.offset(4 * MIB));
                // the change was timed, at the latest by the observation that saw <current> there
                VirtioMemPlug.Change c = loop.host().virtioMem(name).last();
                assertThat(c).as("a completed change").isNotNull();
                // (the plug seen above, or a larger one asked for since and completed by a later observation)
                assertThat(c.toBytes()).as("the last completed change's size").isBetween(grown, REGION_MIB * MIB);
                assertThat(c.toBytes() % BLOCK).isZero();
                assertThat(c.tookMicros()).as("time the change took, us").isBetween(0L, 60_000_000L);

                // shrink: a budget of boot memory + overhead leaves no room above the boot memory, so every block is unplugged
                loop.setBudget(BOOT_MIB * MIB + 32 * MIB);
                stepUntil(loop, name, x -> vm(x, name).hotplug().pluggedBytes() == 0 && plugTarget(x, name) == 0, Duration.ofSeconds(90), events);
                long shrunkTotal = awaitMemTotal(spec, kib -> kib <= bootTotal, Duration.ofSeconds(30));
                assertThat(shrunkTotal).as("MemTotal back to the boot memory's (KiB)").isEqualTo(bootTotal);
            }
            assertThat(deviceKib(name, "requested")).as("virsh dumpxml <requested>").isZero();
            assertThat(deviceKib(name, "current")).as("virsh dumpxml <current>").isZero();
            assertThat(deviceKib(name, "size")).isEqualTo(REGION_MIB * 1024L);
            TestDomains.destroy(spec);
        }
    }

    /** A figure of {@code virsh dommemstat} in KiB. */
    private static long dommemstat(String domain, String tag) {
        return LibvirtDaemon.virsh("dommemstat", domain).lines().map(String::trim).filter(l -> l.startsWith(tag + " "))
                .mapToLong(l -> Long.parseLong(l.substring(tag.length()).trim())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + tag + " in virsh dommemstat " + domain));
    }

    private static void appendLine(Path file, String line) {
        try {
            java.nio.file.Files.writeString(file, line + "\n", java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static VmView vm(Decision d, String name) {
        return d.view().vms().stream().filter(v -> v.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("domain " + name + " not in the view: " + DecisionJson.line(d, "hyperv", Instant.EPOCH)));
    }

    private static long plugTarget(Decision d, String vm) {
        return d.plan().vm(vm).map(p -> p.pluggedTargetBytes()).orElse(0L);
    }

    /** A size of the domain's virtio-mem {@code <target>} in KiB, read with virsh (outside the code under test). */
    private static long deviceKib(String domain, String element) {
        String xml = LibvirtDaemon.virsh("dumpxml", domain);
        Matcher m = VIRTIO_MEM.matcher(xml);
        if (!m.find()) throw new AssertionError("no virtio-mem device in virsh dumpxml " + domain + ":\n" + xml);
        Matcher e = Pattern.compile("<" + element + " unit='KiB'>(\\d+)</" + element + ">").matcher(m.group(1));
        if (!e.find()) throw new AssertionError("no <" + element + " unit='KiB'> in " + m.group(0));
        return Long.parseLong(e.group(1));
    }

    /** Steps until a decision sees the domain and satisfies {@code done}. */
    private static Decision stepUntil(ManagerLoop loop, String name, Predicate<Decision> done, Duration timeout, List<String> events)
            throws InterruptedException {
        return LoopSteps.until(loop, d -> d.view().vms().stream().anyMatch(v -> v.name().equals(name)) && done.test(d), timeout, events, "hyperv");
    }

    /** The last MemTotal the guest printed (ready line or its reporter), in KiB, once it satisfies {@code ok}. */
    private long awaitMemTotal(TestDomains.Spec spec, LongPredicate ok, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long last = -1;
            for (String l : TestDomains.consoleLines(spec, dir)) {
                Matcher m = MEMTOTAL.matcher(l);
                if (l.startsWith("memvisor-guest:") && m.find()) last = Long.parseLong(m.group(1));
            }
            if (last >= 0 && ok.test(last)) return last;
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the guest's MemTotal is " + last + " KiB after " + timeout.toSeconds() + " s (virsh dumpxml: "
                        + VIRTIO_MEM.matcher(LibvirtDaemon.virsh("dumpxml", spec.domainName())).results().map(r -> r.group(0)).findFirst().orElse("no device") + ")");
            }
            Thread.sleep(250);
        }
    }

    private void awaitConsole(TestDomains.Spec spec, Predicate<String> line, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (TestDomains.consoleLines(spec, dir).stream().noneMatch(line)) {
            if (System.nanoTime() > deadline) throw new AssertionError("console line not seen within " + timeout.toSeconds() + " s");
            Thread.sleep(250);
        }
    }

    private static long memTotalKib(String line) {
        Matcher m = MEMTOTAL.matcher(line);
        if (!m.find()) throw new AssertionError("no MemTotal in " + line);
        return Long.parseLong(m.group(1));
    }
}
