package dev.memvisor.libvirt.manager;

import dev.memvisor.core.control.Action;
import dev.memvisor.core.model.HostView;
import dev.memvisor.libvirt.LibvirtDaemon;
import dev.memvisor.libvirt.TestDomains;
import dev.memvisor.qemu.act.ZswapControl;
import dev.memvisor.qemu.act.ZswapGuard;
import dev.memvisor.qemu.manager.HostConfig;
import dev.memvisor.qemu.manager.HostPaths;
import dev.memvisor.qemu.manager.KsmKeeper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * zswap follows a real libvirt domain's plan (TCG, libvirtd started by the test): on while the plan lets the
 * domain be compressed, the host's settings back when it does not and when the manager closes; read from
 * outside in /sys/module/zswap/parameters, and put back by the test's {@link ZswapGuard} whatever happens.
 */
class LibvirtZswapRealTest {
    private static final long MIB = 1L << 20;
    private static final Path PARAMS = ZswapControl.systemDir();
    private final Path dir = Path.of(System.getProperty("memvisor.root", ".")).resolve("libvirt/target/libvirt-test/zswap");

    @Test
    void aPlanThatLetsADomainBeCompressedTurnsZswapOnAndCloseRestoresTheHostsSettings() throws Exception {
        TestDomains.Spec spec = TestDomains.Spec.balloon("zswap", 256).withStatsPeriod(1);
        String name = spec.domainName();
        List<String> events = new CopyOnWriteArrayList<>();
        try (ZswapGuard guard = ZswapGuard.save(); LibvirtDaemon daemon = LibvirtDaemon.start(dir)) {
            // zswap off at the start, whatever this host had, so that turning it on is seen
            ZswapControl.Settings off = new ZswapControl.Settings(false, guard.saved().compressor(), guard.saved().maxPoolPercent());
            new ZswapControl(PARAMS).apply(off);
            TestDomains.start(spec, dir);
            TestDomains.awaitReady(spec, dir);
            String yaml = "interval: 1s\nbudget: 2G\nksm: {manage: false}\nstateFile: ''\ncgroups: false\nlibvirt:\n  enabled: true\n  uri: '"
                    + LibvirtDaemon.URI + "'\n";
            HostConfig cfg = HostConfig.parse(yaml.getBytes(StandardCharsets.UTF_8), "host.yaml", dir, List.of());
            try (LibvirtHost host = new LibvirtHost(cfg, HostPaths.system(), null, KsmKeeper.none(), Set.of(), List.of(), false, events::add)) {
                HostView v = host.observe(System.currentTimeMillis());
                assertThat(v.vms()).as("events %s", events).anyMatch(x -> x.name().equals(name));
                long configured = v.vms().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow().settings().configuredBytes();
                host.apply(new Action.HostReclaim(name, 200 * MIB, 100 * MIB, false, false));
                assertThat(knob("enabled")).as("compression not allowed: zswap stays off").isEqualTo("N");
                host.apply(new Action.HostReclaim(name, 200 * MIB, 100 * MIB, true, false));
                assertThat(knob("enabled")).as("compression allowed (esx hard/low): zswap on, events %s", events).isEqualTo("Y");
                // the domain's 10 % cache as a whole percentage of this host's RAM, rounded up: at least 1
                assertThat(Integer.parseInt(knob("max_pool_percent"))).isBetween(1, (int) Math.ceil(100.0 * configured * 0.10 / memTotalBytes()) + 1);
                assertThat(knob("compressor")).isEqualTo(off.compressor());
                assertThat(host.effects().zswap().enabled()).isTrue();
                host.apply(new Action.HostReclaim(name, 200 * MIB, 100 * MIB, false, false));
                assertThat(knob("enabled")).as("no domain may be compressed: the host's settings").isEqualTo("N");
                host.apply(new Action.HostReclaim(name, 200 * MIB, 100 * MIB, true, false));
                assertThat(knob("enabled")).isEqualTo("Y");
            }
            assertThat(new ZswapControl(PARAMS).read()).as("put back on close").isEqualTo(off);
            assertThat(events).contains("zswap: settings restored (enabled=N, compressor=" + off.compressor() + ", max_pool_percent=" + off.maxPoolPercent() + ")");
            assertThat(events).noneMatch(e -> e.contains("not driven for libvirt domains"));
            TestDomains.destroy(spec);
        }
    }

    private static String knob(String name) throws java.io.IOException {
        return Files.readString(PARAMS.resolve(name)).trim();
    }

    private static long memTotalBytes() throws java.io.IOException {
        return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")) * 1024).findFirst().orElseThrow();
    }
}
