package dev.memvisor.qemu.collect;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The /proc and /sys parsers on hand-written samples with exact values, and on this host's real files. */
class ProcParsersTest {
    @TempDir Path dir;

    @Test
    void meminfoConvertsKibToBytes() {
        MemInfo m = MemInfo.parse("MemTotal:       24684032 kB\nMemFree:        24494220 kB\nMemAvailable:   24427112 kB\n"
                + "SwapTotal:       1048576 kB\nSwapFree:         524288 kB\nHugePages_Total:       0\n");
        assertThat(m.totalBytes()).isEqualTo(24684032L * 1024);
        assertThat(m.availableBytes()).isEqualTo(24427112L * 1024);
        assertThat(m.swapUsedBytes()).isEqualTo(524288L * 1024);
        assertThat(m.get("HugePages_Total")).isZero();
        assertThat(m.get("Nope")).isEqualTo(-1);
    }

    @Test
    void vmstatReadsCounters() {
        VmStat v = VmStat.parse("nr_free_pages 6123555\npswpin 12\npswpout 34\n");
        assertThat(v.get("pswpout")).isEqualTo(34);
        assertThat(v.get("absent")).isZero();
    }

    @Test
    void pressureReadsSomeAndFull() {
        MemoryPressure p = MemoryPressure.parse("some avg10=1.50 avg60=0.25 avg300=0.00 total=123456\n"
                + "full avg10=0.75 avg60=0.00 avg300=0.00 total=4567\n");
        assertThat(p.someAvg10()).isEqualTo(1.5);
        assertThat(p.someAvg60()).isEqualTo(0.25);
        assertThat(p.someTotalMicros()).isEqualTo(123456);
        assertThat(p.fullAvg10()).isEqualTo(0.75);
        assertThat(p.fullTotalMicros()).isEqualTo(4567);
    }

    @Test
    void processStatsReadStatusKsmAndVcpuThreads() throws Exception {
        Path p = Files.createDirectories(dir.resolve("42"));
        Files.writeString(p.resolve("status"), "Name:\tqemu-system-x86\nVmRSS:\t  204800 kB\nVmSwap:\t    1024 kB\n");
        Files.writeString(p.resolve("ksm_stat"), "ksm_rmap_items 100\nksm_merging_pages 77\nksm_process_profit 12345\n");
        Files.writeString(p.resolve("stat"), "42 (qemu-system-x86) S 1 42 42 0 -1 0 0 0 0 0 500 300 0 0 20 0 3 0\n");
        thread(p, "43", "CPU 0/TCG", "43 (CPU 0/TCG) R 1 42 42 0 -1 0 0 0 0 0 200 100 0 0 20 0 3 0\n");
        thread(p, "44", "CPU 1/TCG", "44 (CPU 1/TCG) R 1 42 42 0 -1 0 0 0 0 0 20 10 0 0 20 0 3 0\n");
        thread(p, "45", "qemu-system-x86", "45 (qemu-system-x86) S 1 42 42 0 -1 0 0 0 0 0 9 9 0 0 20 0 3 0\n");
        QemuProcessStats s = QemuProcessStats.read(dir, 42);
        assertThat(s.rssBytes()).isEqualTo(204800L * 1024);
        assertThat(s.swapBytes()).isEqualTo(1024L * 1024);
        assertThat(s.ksmMergingPages()).isEqualTo(77);
        assertThat(s.ksmProfitBytes()).isEqualTo(12345);
        assertThat(s.vcpuTicks()).isEqualTo(330);
        assertThat(s.processTicks()).isEqualTo(800);
    }

    private static void thread(Path p, String tid, String comm, String stat) throws Exception {
        Path t = Files.createDirectories(p.resolve("task").resolve(tid));
        Files.writeString(t.resolve("comm"), comm + "\n");
        Files.writeString(t.resolve("stat"), stat);
    }

    @Test
    void thisHostsFilesParse() {
        MemInfo m = MemInfo.read(Path.of("/proc"));
        assertThat(m.totalBytes()).isPositive();
        assertThat(m.availableBytes()).isBetween(0L, m.totalBytes());
        QemuProcessStats self = QemuProcessStats.read(Path.of("/proc"), ProcessHandle.current().pid());
        assertThat(self.rssBytes()).isPositive();
        assertThat(self.processTicks()).isPositive();
        assertThat(self.vcpuTicks()).as("a JVM has no vCPU threads").isZero();
        if (KsmStats.available(KsmStats.SYSFS)) assertThat(KsmStats.read(KsmStats.SYSFS).sleepMillis()).isPositive();
    }

    @Test
    void referencedBitsSeeMemoryTouchedSinceTheLastClear() {
        ReferencedBitSampler s = new ReferencedBitSampler(Path.of("/proc"));
        long pid = ProcessHandle.current().pid();
        s.sampleAndClear(pid, 0);
        byte[] touched = new byte[64 << 20];
        for (int i = 0; i < touched.length; i += 4096) touched[i] = 1;
        long referenced = s.sampleAndClear(pid, 0);
        assertThat(referenced).isGreaterThanOrEqualTo(60L << 20);
        assertThat(touched[4096]).isEqualTo((byte) 1);
    }

    @Test
    void onlyMappingsAsLargeAsTheGuestRamCount() {
        String smaps = "7f0000000000-7f0008000000 rw-p 00000000 00:00 0\nSize:             131072 kB\nRss:  100 kB\nReferenced:        40960 kB\n"
                + "7f1000000000-7f1004000000 rwxp 00000000 00:00 0\nSize:              65536 kB\nReferenced:        30000 kB\n"
                + "55aa00000000-55aa00100000 r-xp 00000000 08:01 42 /usr/bin/qemu-system-x86_64\nSize:               1024 kB\nReferenced:          512 kB\n";
        assertThat(ReferencedBitSampler.referencedIn(smaps, 128L << 20)).isEqualTo(40960L * 1024);
        assertThat(ReferencedBitSampler.referencedIn(smaps, 1L << 30)).as("no mapping that large: all count").isEqualTo((40960L + 30000 + 512) * 1024);
    }
}
