package dev.memvisor.qemu.manager;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** KSM's knobs (a fake /sys/kernel/mm/ksm): saved, driven, put back once, and not driven again after that. */
class KsmKeeperTest {
    @TempDir Path ksm;

    private String knob(String name) throws Exception {
        return Files.readString(ksm.resolve(name)).trim();
    }

    @Test
    void aDecisionThatFinishesAfterTheRestoreLeavesKsmAsItWas() throws Exception {
        Files.writeString(ksm.resolve("run"), "0");
        Files.writeString(ksm.resolve("pages_to_scan"), "100");
        Files.writeString(ksm.resolve("sleep_millisecs"), "20");
        List<String> events = new ArrayList<>();
        KsmKeeper k = new KsmKeeper(ksm, true, 20, events::add);
        k.apply(5000);
        assertThat(knob("run")).isEqualTo("1");
        k.restore();
        assertThat(knob("run")).isEqualTo("0");
        assertThat(knob("pages_to_scan")).isEqualTo("100");
        // the race of a stop that did not wait for the loop: a decision applying its plan's rate after the restore
        k.apply(5000);
        assertThat(knob("run")).isEqualTo("0");
        assertThat(knob("pages_to_scan")).isEqualTo("100");
        k.restore();
        assertThat(events).filteredOn(e -> e.startsWith("ksm: settings restored")).hasSize(1);
    }
}
