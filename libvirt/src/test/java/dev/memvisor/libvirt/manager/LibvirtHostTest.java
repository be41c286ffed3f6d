package dev.memvisor.libvirt.manager;

import dev.memvisor.core.control.Action;
import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.VmView;
import dev.memvisor.libvirt.DomainId;
import dev.memvisor.libvirt.DomainLifecycleListener;
import dev.memvisor.libvirt.LibvirtClient;
import dev.memvisor.libvirt.MemTune;
import dev.memvisor.qemu.launch.Await;
import dev.memvisor.qemu.manager.DryRunHost;
import dev.memvisor.qemu.manager.FakeProc;
import dev.memvisor.qemu.act.ZswapControl;
import dev.memvisor.qemu.manager.HostConfig;
import dev.memvisor.qemu.manager.HostPaths;
import dev.memvisor.qemu.manager.KsmKeeper;
import dev.memvisor.qemu.manager.Observation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.libvirt.Connect;
import org.libvirt.Domain;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The libvirt host against libvirt's own test driver ({@code test:///default}: libvirt.so.0 with
 * in-memory domains, no daemon, no QEMU), so every rule of the adapter runs in milliseconds: which
 * domains are managed and why not, settings from host.yaml, memvisor's metadata and the domain,
 * admission control as domains come and go, and the actions as libvirt sees them through a
 * connection of the test's own. The test driver's state is shared by the connections of one process
 * while one is open; the test holds its own, removes the driver's sample domain and destroys what it made.
 */
class LibvirtHostTest {
    private static final long MIB = 1L << 20;
    private static final String NS = "http://memvisor.dev/xmlns/libvirt/domain/1.0";
    @TempDir Path dir;
    private Connect own;
    private FakeProc proc;
    private final List<String> made = new ArrayList<>();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<String> forgotten = new CopyOnWriteArrayList<>();

    @BeforeEach
    void connect() throws Exception {
        own = new Connect("test:///default");
        // the driver's sample domain "test" (8G) would take part in every admission
        Domain sample = own.domainLookupByName("test");
        if (sample.isActive() == 1) sample.destroy();
        proc = new FakeProc(dir);
    }

    @AfterEach
    void destroy() throws Exception {
        for (String name : made) {
            try {
                own.domainLookupByName(name).destroy();
            } catch (org.libvirt.LibvirtException e) {
                // destroyed by the test itself
            }
        }
        own.domainLookupByName("test").create();
        own.close();
    }

    private void create(String name, int mib, String balloon, String metadata) throws Exception {
        own.domainCreateXML("<domain type='test'><name>" + name + "</name><memory unit='MiB'>" + mib + "</memory><currentMemory unit='MiB'>" + mib
                + "</currentMemory><os><type>hvm</type></os><devices><memballoon model='" + balloon + "'/></devices>"
                + (metadata.isEmpty() ? "" : "<metadata><memvisor:vm xmlns:memvisor='" + NS + "'>" + metadata + "</memvisor:vm></metadata>")
                + "</domain>", 0);
        made.add(name);
    }

    private HostConfig config(String extra) {
        String yaml = "interval: 1s\nbudget: 2G\nksm: {manage: false}\nstateFile: ''\ncgroups: true\ncgroupHeadroom: 64M\n"
                + "libvirt:\n  enabled: true\n  uri: 'test:///default'\n" + extra;
        return HostConfig.parse(yaml.getBytes(StandardCharsets.UTF_8), "host.yaml", dir, List.of());
    }

    private LibvirtHost host(HostConfig cfg, Set<String> taken) {
        LibvirtHost h = new LibvirtHost(cfg, proc.paths(), null, KsmKeeper.none(), taken, List.of(), false, events::add);
        h.onReconnect(forgotten::add);
        return h;
    }

    private static VmView vm(HostView v, String name) {
        return v.vms().stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
    }

    private long currentKib(String name) throws Exception {
        return own.domainLookupByName(name).getInfo().memory;
    }

    private long count(String event) {
        return events.stream().filter(e -> e.equals(event) || e.startsWith(event)).count();
    }

    @Test
    void managesEveryDomainWithABalloonWithItsSettingsAndReportsTheOtherOnce() throws Exception {
        create("web", 512, "virtio", "<memvisor:reservation unit='MiB'>128</memvisor:reservation><memvisor:shares>high</memvisor:shares>");
        create("db", 1024, "virtio", "<memvisor:reservation unit='MiB'>64</memvisor:reservation><memvisor:shares>low</memvisor:shares>");
        create("nob", 256, "none", "");
        try (LibvirtHost host = host(config("  domains:\n    - {name: db, reservation: 256M}\n"), Set.of())) {
            HostView v = host.observe(0);
            assertThat(v.vms()).extracting(VmView::name).containsExactlyInAnyOrder("web", "db");
            // metadata gives web its reservation and shares; host.yaml overrides db's reservation, its metadata keeps the shares
            assertThat(vm(v, "web").settings().reservationBytes()).isEqualTo(128 * MIB);
            assertThat(vm(v, "web").settings().shares()).isEqualTo(512 * 20);
            assertThat(vm(v, "db").settings().reservationBytes()).isEqualTo(256 * MIB);
            assertThat(vm(v, "db").settings().shares()).isEqualTo(1024 * 5);
            assertThat(vm(v, "db").settings().configuredBytes()).isEqualTo(1024 * MIB);
            Observation o = host.lastObservation();
            assertThat(o.unmanaged().get("nob")).startsWith("no balloon device (<memballoon model='none'/>)");
            host.observe(1000);
            host.observe(2000);
            assertThat(count("vm nob: libvirt domain not managed: no balloon device")).as("%s", events).isEqualTo(1);
            assertThat(own.domainLookupByName("web").getXMLDesc(0)).as("the stats period was 0: set to the interval").contains("<stats period='1'/>");

            // the balloon, live: the guest keeps its memory less the balloon, as libvirt sees it
            host.apply(new Action.Balloon("web", 200 * MIB));
            assertThat(currentKib("web")).isEqualTo(312 * 1024);
            assertThat(host.effects().balloonGuestBytes()).containsEntry("web", 312 * MIB);
            // the host's reclamation through memtune; no swap on this (fake) host: hard_limit stays at memory + headroom
            host.apply(new Action.HostReclaim("db", 300 * MIB, 100 * MIB, false, false));
            assertThat(memtune("db").hardLimitBytes()).isEqualTo(1024 * MIB + 64 * MIB);
            assertThat(events).anyMatch(e -> e.startsWith("vm db: memtune hard_limit kept at ") && e.contains("(its memory + cgroupHeadroom), not 332M:"
                    + " this host has no swap, so a lower limit could only OOM-kill the domain"));
            host.apply(new Action.HostReclaim("db", 300 * MIB, 0, false, true));
            assertThat(memtune("db").softLimitBytes()).as("block: the throttle at target + overhead").isEqualTo(332 * MIB);
        }
        assertThat(memtune("db").hardLimitBytes()).as("put back as found on close").isEqualTo(MemTune.UNLIMITED);
        assertThat(memtune("db").softLimitBytes()).isEqualTo(MemTune.UNLIMITED);
        assertThat(currentKib("web")).as("balloons stay as they are").isEqualTo(312 * 1024);
    }

    @Test
    void admissionRefusesADomainThatDoesNotFitAndAdmitsItWhenRoomFreesUp() throws Exception {
        create("big1", 1024, "virtio", "<memvisor:reservation unit='MiB'>400</memvisor:reservation>");
        create("big2", 1024, "virtio", "<memvisor:reservation unit='MiB'>300</memvisor:reservation>");
        HostConfig small = HostConfig.parse(("interval: 1s\nbudget: 600M\nksm: {manage: false}\nstateFile: ''\n"
                + "libvirt: {enabled: true, uri: 'test:///default'}\n").getBytes(StandardCharsets.UTF_8), "host.yaml", dir, List.of());
        try (LibvirtHost host = host(small, Set.of())) {
            // admitted in the order the domains started: big1 first
            HostView v = host.observe(0);
            assertThat(v.vms()).extracting(VmView::name).containsExactly("big1");
            assertThat(host.lastObservation().unmanaged().get("big2"))
                    .isEqualTo("admission control against the budget (600M): vm big2 refused: reservations and overheads would need 764M but the host has 600M, short by 164M");
            own.domainLookupByName("big1").destroy();
            HostView after = Await.until(Duration.ofSeconds(10), () -> host.observe(1000), x -> vm(x, "big2") != null);
            assertThat(after.vms()).extracting(VmView::name).containsExactly("big2");
            assertThat(forgotten).as("the controller forgets the stopped domain's actions").containsExactly("big1");
            assertThat(events).contains("vm big1: domain stopped; no longer managed")
                    .anyMatch(e -> e.startsWith("vm big2: libvirt domain managed"));
        }
    }

    @Test
    void aDomainStartedLaterIsManagedAndOneStoppedIsForgotten() throws Exception {
        create("first", 256, "virtio", "");
        try (LibvirtHost host = host(config(""), Set.of())) {
            assertThat(host.observe(0).vms()).extracting(VmView::name).containsExactly("first");
            create("later", 256, "virtio", "");
            HostView v = Await.until(Duration.ofSeconds(10), () -> host.observe(1000), x -> vm(x, "later") != null);
            assertThat(v.vms()).extracting(VmView::name).containsExactly("first", "later");
            host.apply(new Action.Balloon("later", 56 * MIB));
            own.domainLookupByName("later").destroy();
            List<String> left = Await.until(Duration.ofSeconds(10), () -> {
                host.observe(2000);
                return host.managed();
            }, m -> !m.contains("later"));
            assertThat(left).containsExactly("first");
            assertThat(host.observe(3000).vms()).extracting(VmView::name).containsExactly("first");
            assertThat(forgotten).containsExactly("later");
            assertThat(host.managed()).containsExactly("first");
        }
    }

    @Test
    void settingsThatContradictTheDomainOrAnotherVmsNameAreReportedAndNotManaged() throws Exception {
        create("toolarge", 256, "virtio", "<memvisor:limit unit='GiB'>1</memvisor:limit>");
        create("garbled", 256, "virtio", "<memvisor:colour>blue</memvisor:colour>");
        create("vm1", 256, "virtio", "");
        try (LibvirtHost host = host(config(""), Set.of("vm1"))) {
            HostView v = host.observe(0);
            Observation o = host.lastObservation();
            assertThat(o.unmanaged().get("toolarge")).isEqualTo("settings: limit 1G (<metadata>) exceeds the domain's memory 256M");
            assertThat(o.unmanaged().get("vm1")).startsWith("a QEMU of host.yaml's vms (or of the run directory) has this name");
            // metadata that does not parse is ignored, said once; the domain is managed on its own settings
            assertThat(v.vms()).extracting(VmView::name).containsExactly("garbled");
            assertThat(events).anyMatch(e -> e.startsWith("vm garbled: <metadata> in " + NS) && e.contains("unknown element")
                    && e.endsWith("memvisor's settings in it are ignored"));
        }
    }

    @Test
    void aDryRunDecidesButMovesNoBalloon() throws Exception {
        create("web", 512, "virtio", "");
        try (DryRunHost dry = new DryRunHost(host(config(""), Set.of()))) {
            assertThat(dry.observe(0).vms()).extracting(VmView::name).containsExactly("web");
            dry.apply(new Action.Balloon("web", 256 * MIB));
            dry.apply(new Action.HostReclaim("web", 100 * MIB, 50 * MIB, false, true));
            assertThat(currentKib("web")).isEqualTo(512 * 1024);
            assertThat(memtune("web").hardLimitBytes()).isEqualTo(MemTune.UNLIMITED);
        }
    }

    /** memtune through a connection of memvisor's client layer, not the host's. */
    private MemTune memtune(String name) throws Exception {
        Domain d = own.domainLookupByName(name);
        try (LibvirtClient c = LibvirtClient.open("test:///default", new DomainLifecycleListener() {
            @Override
            public void started(DomainId domain) { }

            @Override
            public void stopped(DomainId domain) { }
        }, line -> { })) {
            return c.memtune(new DomainId(name, d.getUUIDString(), d.getID()));
        }
    }

    @Test
    void aPlanThatLetsADomainBeCompressedTurnsZswapOnAndCloseRestoresIt() throws Exception {
        Path zswapDir = java.nio.file.Files.createDirectories(dir.resolve("zswap"));
        java.nio.file.Files.writeString(zswapDir.resolve("enabled"), "N\n");
        java.nio.file.Files.writeString(zswapDir.resolve("compressor"), "lzo\n");
        java.nio.file.Files.writeString(zswapDir.resolve("max_pool_percent"), "20\n");
        ZswapControl zswap = new ZswapControl(zswapDir);
        ZswapControl.Settings found = zswap.read();
        create("web", 512, "virtio", "");
        HostPaths p = proc.paths();
        HostPaths paths = new HostPaths(p.procRoot(), p.ksmDir(), p.cgroupRoot(), p.damonAdmin(), zswapDir);
        try (LibvirtHost host = new LibvirtHost(config("zswap: {compressor: zstd}\n"), paths, null, KsmKeeper.none(), Set.of(), List.of(), false, events::add)) {
            host.observe(0);
            host.apply(new Action.HostReclaim("web", 300 * MIB, 100 * MIB, false, false));
            assertThat(zswap.read()).as("esx high: no compression").isEqualTo(found);
            host.apply(new Action.HostReclaim("web", 300 * MIB, 100 * MIB, true, false));
            // the domain's cache, 10 % of its 512 MiB, of the (fake) host's 1 GiB: 5 %
            assertThat(zswap.read()).isEqualTo(new ZswapControl.Settings(true, "zstd", 5));
            assertThat(host.effects().zswap()).isEqualTo(new ZswapControl.Settings(true, "zstd", 5));
            assertThat(count("vm web: compressed (zswap) within the host-wide pool only, no per-domain memory.zswap.max: ")).as("%s", events).isEqualTo(1);
            host.apply(new Action.HostReclaim("web", 300 * MIB, 100 * MIB, true, false));
            assertThat(count("vm web: compressed (zswap)")).as("said once").isEqualTo(1);
            assertThat(events).noneMatch(e -> e.contains("not driven for libvirt domains"));
        }
        assertThat(zswap.read()).as("the host's settings put back on close").isEqualTo(found);
        assertThat(count("zswap: settings restored (enabled=N, compressor=lzo, max_pool_percent=20)")).isEqualTo(1);
    }
}
