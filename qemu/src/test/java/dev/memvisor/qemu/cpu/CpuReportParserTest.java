package dev.memvisor.qemu.cpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The reporter's line format, the interval arithmetic and the recorded host log, on constructed text. */
class CpuReportParserTest {
    /** Two blocks 2 s apart on a 1-processor guest at HZ 100: 150 of 200 ticks busy; mvload used 120 ticks. */
    static final String TWO_BLOCKS = """
            MVCPU 10000 cpu 500 0 300 9000 100 10 5 0 0 0\r
            MVPROC 10000 1 init 2 3\r
            MVPROC 10000 57 mvload 400 100\r
            MVPROC 10000 58 mvload 1 1\r
            MVEND 10000 100\r
            MVCPU 12000 cpu 600 0 340 9040 110 15 10 0 0 0\r
            MVPROC 12000 1 init 2 3\r
            MVPROC 12000 57 mvload 490 130\r
            MVPROC 12000 58 mvload 1 2\r
            MVPROC 12000 99 sh 1 0\r
            MVEND 12000 100\r
            """;

    static List<CpuReport> parse(String text) {
        CpuReportParser p = new CpuReportParser("test.log");
        List<CpuReport> out = new ArrayList<>();
        for (String l : text.split("\n", -1)) p.accept(l).ifPresent(out::add);
        return out;
    }

    @Test
    void parsesBlocksAndComputesTheIntervalPercentages() {
        List<CpuReport> r = parse(TWO_BLOCKS);
        assertThat(r).hasSize(2);
        assertThat(r.get(0).bootMillis()).isEqualTo(10000);
        assertThat(r.get(0).hz()).isEqualTo(100);
        assertThat(r.get(1).processes()).extracting(ProcessTicks::key).containsExactly("init:1", "mvload:57", "mvload:58", "sh:99");
        assertThat(r.get(1).line()).isEqualTo(6);

        GuestCpuInterval i = GuestCpuInterval.between(r.get(0), r.get(1));
        // total = 100+40+40+10+5+5 = 200 ticks over 2 s at HZ 100 -> 1 processor; idle+iowait = 50 -> busy 75 %.
        assertThat(i.processors()).isEqualTo(1);
        assertThat(i.busyPct()).isCloseTo(75.0, within(1e-9));
        assertThat(i.processPct().get("mvload:57")).isCloseTo(60.0, within(1e-9)); // 120 ticks / 100 Hz / 2 s
        assertThat(i.processPct().get("mvload:58")).isCloseTo(0.5, within(1e-9));
        assertThat(i.processPct().get("init:1")).isZero();
        assertThat(i.processPct()).doesNotContainKey("sh:99"); // new in the second block: no interval figure
    }

    @Test
    void stealIsNeitherBusyNorIdle() {
        List<CpuReport> r = parse("""
                MVCPU 0 cpu 0 0 0 0 0 0 0 0 0 0
                MVEND 0 100
                MVCPU 1000 cpu 50 0 0 25 0 0 0 25 10 0
                MVEND 1000 100
                """);
        GuestCpuInterval i = GuestCpuInterval.between(r.get(0), r.get(1));
        assertThat(i.busyPct()).isCloseTo(50.0, within(1e-9));
        assertThat(i.stealPct()).isCloseTo(25.0, within(1e-9));
    }

    @Test
    void countsProcessorsFromTheTicks() {
        List<CpuReport> r = parse("""
                MVCPU 0 cpu 0 0 0 0
                MVEND 0 100
                MVCPU 5000 cpu 1000 0 0 1000
                MVEND 5000 100
                """);
        assertThat(GuestCpuInterval.between(r.get(0), r.get(1)).processors()).isEqualTo(4);
        assertThat(GuestCpuInterval.between(r.get(0), r.get(1)).busyPct()).isCloseTo(50.0, within(1e-9));
    }

    @Test
    void malformedLinesNameTheLineAndWhatWasExpected() {
        assertError("MVCPU 1 cpu 1 2 3 4\nMVPROC 1 5 sh x 1\n", 2, "UTIME as a non-negative integer, got 'x'");
        assertError("MVCPU 1 cpu 1 2 3 4\nMVPROC 1 5 sh 1\n", 2, "'MVPROC MS PID COMM UTIME STIME' (6 fields)");
        assertError("MVPROC 1 5 sh 1 1\n", 1, "MVCPU to open a block before MVPROC");
        assertError("MVCPU 1 cpu 1 2 3 4\nMVCPU 2 cpu 1 2 3 4\n", 2, "MVPROC or MVEND to end the block opened at line 1");
        assertError("MVCPU 1 cpu 1 2 3 4\nMVEND 2 100\n", 2, "MS 1 as on the block's MVCPU line 1, got 2");
        assertError("MVCPU 1 cpu 1 2 3 4\nMVEND 1 0\n", 2, "HZ (clock ticks per second) above 0");
        assertError("MVCPU 1 cpu 1 2\n", 1, "at least 4 counters");
        assertError("MVCPU 1 cpu 1 2 3 -4\n", 1, "IDLE as a non-negative integer, got '-4'");
        assertError("hello world\n", 1, "a line starting with MVCPU, MVPROC or MVEND, got 'hello world'");
        assertError("MVCPU 5 cpu 1 2 3 4\nMVEND 5 100\nMVCPU 5 cpu 1 2 3 4\n", 3, "MS after the previous block's 5");
    }

    private static void assertError(String text, long line, String expected) {
        assertThatThrownBy(() -> parse(text)).isInstanceOf(CpuReportFormatException.class)
                .hasMessageStartingWith("test.log:" + line + ": expected ").hasMessageContaining(expected)
                .satisfies(e -> assertThat(((CpuReportFormatException) e).line()).isEqualTo(line));
    }

    @Test
    void resyncSkipsAPartialBlockAndKeepsTrueLineNumbers() {
        CpuReportParser p = new CpuReportParser("tail", 41, true);
        assertThat(p.accept("MVPROC 9 3 sh 1 1")).isEmpty();
        assertThat(p.accept("MVEND 9 100")).isEmpty();
        assertThat(p.accept("MVCPU 10 cpu 1 2 3 4")).isEmpty();
        assertThat(p.accept("MVEND 10 100")).hasValueSatisfying(r -> assertThat(r.line()).isEqualTo(43));
        assertThatThrownBy(() -> p.accept("junk")).hasMessageStartingWith("tail:45: expected");
    }

    @Test
    void fileParseDropsAnUnfinishedLastBlock(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("cpu.log"), TWO_BLOCKS + "MVCPU 14000 cpu 1 2 3 4\nMVPROC 14000 1 init 2 3\n");
        assertThat(CpuReportParser.parse(f)).hasSize(2);
    }

    @Test
    void countersGoingBackwardsAreRefused() {
        List<CpuReport> r = parse("MVCPU 0 cpu 10 0 0 10\nMVEND 0 100\nMVCPU 1000 cpu 5 0 0 5\nMVEND 1000 100\n");
        assertThatThrownBy(() -> GuestCpuInterval.between(r.get(0), r.get(1))).hasMessageContaining("did not advance");
    }

    @Test
    void fileTailReturnsOnlyCompleteLinesAndCountsTheOnesBefore(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("cpu.log"), "a\nb\nhalf");
        FileTail t = FileTail.fromEnd(f);
        assertThat(t.nextLineNumber()).isEqualTo(3);
        assertThat(t.poll()).isEmpty();
        Files.writeString(f, "-line\nnext\n", java.nio.file.StandardOpenOption.APPEND);
        assertThat(t.poll()).containsExactly("half-line", "next");
        assertThat(t.nextLineNumber()).isEqualTo(5);
        Files.writeString(f, "x\n");
        assertThatThrownBy(t::poll).hasMessageContaining("shrank");
    }

    @Test
    void hostLogRoundTripsAndGivesPercentOfOneProcessor(@TempDir Path dir) throws Exception {
        List<HostCpuSample> s = List.of(new HostCpuSample(1_700_000_000_000L, 5000, 1000, 1),
                new HostCpuSample(1_700_000_002_000L, 7000, 1150, 1));
        Path f = dir.resolve("host.csv");
        try (var w = Files.newBufferedWriter(f)) {
            HostCpuLog.write(w, s);
        }
        assertThat(HostCpuLog.read(f)).isEqualTo(s);
        CpuRecording rec = new CpuRecording(List.of(), s);
        assertThat(rec.hostPct()).containsExactly(75.0); // 150 ticks / 100 Hz / 2 s
        assertThat(rec.bootOffsetMillis()).isEqualTo(1_700_000_000_000L - 5000);

        Files.writeString(f, HostCpuLog.HEADER + "\n2026-01-01T00:00:00Z,1,2,1\n2026-01-01T00:00:01Z,1,x,1\n");
        assertThatThrownBy(() -> HostCpuLog.read(f)).isInstanceOf(CpuReportFormatException.class)
                .hasMessageContaining(":3: expected a non-negative integer in 'vcpuTicks', got 'x'");
        Files.writeString(f, "time,cpu\n");
        assertThatThrownBy(() -> HostCpuLog.read(f)).hasMessageContaining(":1: expected the header");
    }
}
