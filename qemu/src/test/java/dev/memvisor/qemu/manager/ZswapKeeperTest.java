package dev.memvisor.qemu.manager;

import dev.memvisor.qemu.act.ZswapControl;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** ZswapKeeper on a directory laid out as /sys/module/zswap/parameters and a /proc of 1 GiB of RAM. */
class ZswapKeeperTest {
    private static final long MIB = 1L << 20;
    private static final ZswapControl.Settings FOUND = new ZswapControl.Settings(false, "lzo", 20);
    @TempDir Path tmp;
    private Path dir;
    private FakeProc proc;
    private final List<String> events = new ArrayList<>();

    @BeforeEach
    void asFound() throws IOException {
        dir = Files.createDirectories(tmp.resolve("zswap"));
        Files.writeString(dir.resolve("enabled"), "N\n");
        Files.writeString(dir.resolve("compressor"), "lzo\n");
        Files.writeString(dir.resolve("max_pool_percent"), "20\n");
        proc = new FakeProc(Files.createDirectories(tmp.resolve("proc")));
    }

    private ZswapKeeper keeper(ZswapConfig config) {
        return new ZswapKeeper(dir, config, proc.root, events::add);
    }

    private ZswapControl.Settings now() {
        return new ZswapControl(dir).read();
    }

    @Test
    void onWhileSomeVmOfAnyGroupMayBeCompressedWithThePoolOfTheirCaches() {
        ZswapKeeper k = keeper(new ZswapConfig(true, "zstd", 0.10));
        assertThat(k.manages()).isTrue();
        assertThat(events).containsExactly("zswap: driven from the plan (found enabled=N, compressor=lzo, max_pool_percent=20; compressor zstd while memvisor has it on)");
        assertThat(k.update("qemu", Map.of("a", false), Map.of("a", 512 * MIB))).isNull();
        assertThat(now()).as("no VM may be compressed: the host's settings").isEqualTo(FOUND);
        assertThat(k.update("qemu", Map.of("a", true), Map.of("a", 512 * MIB))).isNull();
        assertThat(now()).as("51.2 MiB of 1 GiB: 5 %").isEqualTo(new ZswapControl.Settings(true, "zstd", 5));
        // another group's VMs add to the pool; a group's VMs replace what it told before
        k.update("libvirt", Map.of("b", true), Map.of("b", 800 * MIB));
        assertThat(now()).as("51.2 + 80 MiB: 12.8 %, rounded up").isEqualTo(new ZswapControl.Settings(true, "zstd", 13));
        k.update("qemu", Map.of("a", false), Map.of("a", 512 * MIB));
        assertThat(now()).isEqualTo(new ZswapControl.Settings(true, "zstd", 8));
        k.update("libvirt", Map.of(), Map.of());
        assertThat(now()).as("the last VM that may be compressed left: the host's settings").isEqualTo(FOUND);
        assertThat(k.settings()).isEqualTo(FOUND);
        assertThat(k.error()).isNull();
        assertThat(k.vmCapBytes(true, 1000 * MIB)).isEqualTo(100 * MIB);
        assertThat(k.vmCapBytes(false, 1000 * MIB)).isZero();
    }

    @Test
    void unchangedSettingsAreNotWrittenAgain() throws IOException {
        ZswapKeeper k = keeper(new ZswapConfig(true, "", 0.10));
        k.update("qemu", Map.of("a", true), Map.of("a", 512 * MIB));
        assertThat(now()).as("no compressor configured: the host's").isEqualTo(new ZswapControl.Settings(true, "lzo", 5));
        // the keeper writes only when the wanted settings change (someone else's write here stays until then)
        Files.writeString(dir.resolve("max_pool_percent"), "99\n");
        k.update("qemu", Map.of("a", true), Map.of("a", 512 * MIB));
        assertThat(now().maxPoolPercent()).isEqualTo(99);
        k.update("qemu", Map.of("a", true), Map.of("a", 1024 * MIB));
        assertThat(now().maxPoolPercent()).isEqualTo(10);
    }

    @Test
    void restorePutsTheHostsSettingsBackOnceAndLaterUpdatesChangeNothing() {
        ZswapKeeper k = keeper(new ZswapConfig(true, "zstd", 0.10));
        k.update("qemu", Map.of("a", true), Map.of("a", 512 * MIB));
        assertThat(now().enabled()).isTrue();
        k.restore();
        assertThat(now()).isEqualTo(FOUND);
        k.restore();
        assertThat(events.stream().filter(e -> e.startsWith("zswap: settings restored"))).as("%s", events)
                .containsExactly("zswap: settings restored (enabled=N, compressor=lzo, max_pool_percent=20)");
        // a decision that outlived the manager's close must not turn zswap on again
        assertThat(k.update("libvirt", Map.of("b", true), Map.of("b", 512 * MIB))).isNull();
        assertThat(now()).isEqualTo(FOUND);
    }

    @Test
    void restoreWritesNothingWhenTheKeeperNeverChangedZswap() throws IOException {
        ZswapKeeper k = keeper(new ZswapConfig(true, "zstd", 0.10));
        k.update("qemu", Map.of("a", false), Map.of("a", 512 * MIB));
        Files.writeString(dir.resolve("max_pool_percent"), "33\n");
        k.restore();
        assertThat(now().maxPoolPercent()).as("the administrator's later change stays").isEqualTo(33);
        assertThat(events).noneMatch(e -> e.startsWith("zswap: settings restored"));
    }

    @Test
    void notManagedWhenSwitchedOffOrTheKernelHasNoZswap() {
        ZswapKeeper off = keeper(ZswapConfig.OFF);
        assertThat(off.manages()).isFalse();
        off.update("qemu", Map.of("a", true), Map.of("a", 512 * MIB));
        assertThat(now()).isEqualTo(FOUND);
        assertThat(off.settings()).isNull();
        ZswapKeeper absent = new ZswapKeeper(tmp.resolve("absent"), ZswapConfig.DEFAULT, proc.root, events::add);
        assertThat(absent.manages()).isFalse();
        assertThat(events).contains("zswap: not managed: this kernel has no zswap (" + tmp.resolve("absent") + ")");
        ZswapKeeper nowhere = new ZswapKeeper(null, ZswapConfig.DEFAULT, proc.root, events::add);
        assertThat(nowhere.manages()).isFalse();
        assertThat(nowhere.update("qemu", Map.of("a", true), Map.of("a", 512 * MIB))).isNull();
    }

    @Test
    void aKnobItCannotWriteIsReportedAndTriedAgain() throws IOException {
        ZswapKeeper k = keeper(new ZswapConfig(true, "zstd", 0.10));
        Files.delete(dir.resolve("compressor"));
        Files.createDirectory(dir.resolve("compressor"));
        String why = k.update("qemu", Map.of("a", true), Map.of("a", 512 * MIB));
        assertThat(why).startsWith("zswap not set: ").contains(dir.resolve("compressor").toString());
        assertThat(k.error()).isNotNull();
        Files.delete(dir.resolve("compressor"));
        Files.writeString(dir.resolve("compressor"), "lzo\n");
        assertThat(k.update("qemu", Map.of("a", true), Map.of("a", 512 * MIB))).as("tried again at the next decision").isNull();
        assertThat(now()).isEqualTo(new ZswapControl.Settings(true, "zstd", 5));
        assertThat(k.error()).isNull();
    }
}
