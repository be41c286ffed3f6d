package dev.memvisor.qemu.collect;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** DAMON counts as usable only when the kernel has it and no other kdamond runs. */
class DamonAvailabilityTest {
    @TempDir Path dir;

    @Test
    void noSysfsInterface() {
        assertThat(DamonAvailability.whyNot(dir.resolve("admin"))).contains("no DAMON sysfs interface");
    }

    @Test
    void aRunningKdamondIsLeftAlone() throws Exception {
        Path kd = Files.createDirectories(dir.resolve("admin/kdamonds/0"));
        Files.writeString(kd.getParent().resolve("nr_kdamonds"), "1\n");
        Files.writeString(kd.resolve("state"), "on\n");
        assertThat(DamonAvailability.whyNot(dir.resolve("admin"))).contains("kdamond 0 is already running");
        Files.writeString(kd.resolve("state"), "off\n");
        assertThat(DamonAvailability.whyNot(dir.resolve("admin"))).isEmpty();
    }
}
