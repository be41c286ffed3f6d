package dev.memvisor.qemu.collect;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The DAMON sysfs protocol against a stand-in directory tree shaped like the kernel's (the kernel
 * makes the numbered directories when nr_* files are written; here they exist up front).
 */
class DamonActiveMemoryTest {
    @TempDir Path dir;

    @Test
    void configuresAVaddrStatSchemeStartsOnTheVmsPidThenReadsTriedBytes() throws Exception {
        Path admin = fakeSysfs("vaddr fvaddr paddr");
        DamonActiveMemory.Attempt a = DamonActiveMemory.create(admin, 1, 5_000_000);
        assertThat(a.whyNot()).isEmpty();
        Path ctx = admin.resolve("kdamonds/0/contexts/0");
        assertThat(read(admin.resolve("kdamonds/nr_kdamonds"))).isEqualTo("1");
        assertThat(read(ctx.resolve("operations"))).isEqualTo("vaddr");
        assertThat(read(ctx.resolve("monitoring_attrs/intervals/aggr_us"))).isEqualTo("5000000");
        assertThat(read(ctx.resolve("schemes/0/action"))).isEqualTo("stat");
        assertThat(read(ctx.resolve("schemes/0/access_pattern/nr_accesses/min"))).isEqualTo("1");

        DamonActiveMemory m = a.monitor();
        assertThat(m.activeBytes("vm1", 4242, 256L << 20)).as("first call starts the kdamond, no result yet").isEqualTo(-1);
        assertThat(read(ctx.resolve("targets/0/pid_target"))).isEqualTo("4242");
        assertThat(read(admin.resolve("kdamonds/0/state"))).isEqualTo("on");
        Files.writeString(ctx.resolve("schemes/0/tried_regions/total_bytes"), "12345678\n");
        assertThat(m.activeBytes("vm1", 4242, 256L << 20)).isEqualTo(12345678L);
        assertThat(read(admin.resolve("kdamonds/0/state"))).isEqualTo("update_schemes_tried_bytes");
        assertThat(m.activeBytes("vm2", 77, 256L << 20)).as("no kdamond left for a second VM").isEqualTo(-1);

        m.close();
        assertThat(read(admin.resolve("kdamonds/0/state"))).isEqualTo("off");
        assertThat(read(admin.resolve("kdamonds/nr_kdamonds"))).isEqualTo("0");
    }

    @Test
    void aNewQemuPidRestartsTheKdamond() throws Exception {
        Path admin = fakeSysfs("vaddr paddr");
        DamonActiveMemory m = DamonActiveMemory.create(admin, 1, 1_000_000).monitor();
        m.activeBytes("vm1", 10, 1L << 30);
        m.activeBytes("vm1", 10, 1L << 30);
        assertThat(m.activeBytes("vm1", 11, 1L << 30)).isEqualTo(-1);
        assertThat(read(admin.resolve("kdamonds/0/contexts/0/targets/0/pid_target"))).isEqualTo("11");
        assertThat(read(admin.resolve("kdamonds/0/state"))).isEqualTo("on");
    }

    @Test
    void withoutVaddrOperationsItSaysSoAndCleansUp() throws Exception {
        Path admin = fakeSysfs("paddr");
        DamonActiveMemory.Attempt a = DamonActiveMemory.create(admin, 1, 1_000_000);
        assertThat(a.monitor()).isNull();
        assertThat(a.whyNot()).contains("avail_operations: paddr").contains("no vaddr");
        assertThat(read(admin.resolve("kdamonds/nr_kdamonds"))).isEqualTo("0");
    }

    @Test
    void aRunningKdamondMeansTheReferencedBitFallback() throws Exception {
        Path admin = fakeSysfs("vaddr");
        Files.writeString(admin.resolve("kdamonds/0/state"), "on\n");
        ActiveMemorySources.Choice c = ActiveMemorySources.choose(admin, Path.of("/proc"), 2, 1_000_000);
        assertThat(c.source()).isInstanceOf(ReferencedBitSampler.class);
        assertThat(c.logLine()).contains("referenced bits").contains("DAMON not used: kdamond 0 is already running");
        assertThat(read(admin.resolve("kdamonds/nr_kdamonds"))).as("left alone").isEqualTo("1");
    }

    private Path fakeSysfs(String availOperations) throws Exception {
        Path admin = dir.resolve("admin");
        Path k = Files.createDirectories(admin.resolve("kdamonds/0"));
        Files.writeString(admin.resolve("kdamonds/nr_kdamonds"), "1\n");
        Files.writeString(k.resolve("state"), "off\n");
        Path ctx = Files.createDirectories(k.resolve("contexts/0"));
        Files.writeString(ctx.resolve("avail_operations"), availOperations + "\n");
        Files.createDirectories(ctx.resolve("monitoring_attrs/intervals"));
        Files.createDirectories(ctx.resolve("targets/0"));
        Path ap = ctx.resolve("schemes/0/access_pattern");
        for (String d : new String[] {"sz", "nr_accesses", "age"}) Files.createDirectories(ap.resolve(d));
        Files.createDirectories(ctx.resolve("schemes/0/tried_regions"));
        return admin;
    }

    private static String read(Path p) throws Exception {
        return Files.readString(p).trim();
    }
}
