package dev.memvisor.measure;

import dev.memvisor.measure.cpu.HostCpuReader;
import dev.memvisor.measure.cpu.PerfmonGuestReader;
import dev.memvisor.measure.esxtop.EsxtopAnalyzer;
import dev.memvisor.measure.pdh.CharsetSniffer;
import dev.memvisor.measure.simcpu.SimCpuCsvReader;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the esxtop CSV reader, the perfmon PDH-CSV reader, the host CPU reader and the simulator's cpu.csv
 * reader (issue 11, item 12): random bytes, random edits of a valid file and valid files cut anywhere give
 * a result or a {@link FileFormatException} naming the file, never another exception.
 */
class ReadersFuzzTest {
    static final String ESXTOP = "\"(PDH-CSV 4.0) (UTC)(0)\",\"\\\\e\\Memory\\Free MBytes\",\"\\\\e\\Memory\\Kernel MinFree MBytes\",\"\\\\e\\Memory\\Kernel State\","
            + "\"\\\\e\\Vcpu(7:web:70:vmx-vcpu-0:web)\\% Used\",\"\\\\e\\Group Memory(7:web)\\Memctl MBytes\",\"\\\\e\\Group Memory(7:web)\\Swapped MBytes\","
            + "\"\\\\e\\Group Cpu(7:web)\\% Used\",\"\\\\e\\Group Cpu(7:web)\\% Ready\",   -\"\\\\e\\Physical Cpu(_Total)\\% Util Time\"\n"
            + "\"01/01/2024 00:00:00\",\"590\",\"403\",\"1\",\"12.5\",\"1302.00\",\"459.67\",\"13\",\"2.5\",\" \",\"40\"\n"
            + "\"01/01/2024 00:00:05\",\"591\",\"403\",\"1\",\"12.5\",\" \",\"459.67\",\"13\",\"2.5\",\" \",\"40\"\n"
            + "\"01/01/2024 00:00:10\",\"589\",\"403\",\"2\",\"10\",\"1300.00\",\"460\",\"11\",\"2.25\",\" \",\"41\"\n";
    static final String PERFMON = "\"(PDH-CSV 4.0) (FLE Standard Time)(-120)\",\"\\\\G\\Processor(0)\\% Processor Time\",\"\\\\G\\Processor(_Total)\\% Processor Time\","
            + "\"\\\\G\\Process(sql)\\% Processor Time\",\"\\\\G\\Process(web#1)\\% Processor Time\"\r\n"
            + "\"05/01/2024 12:00:00.000\",\" \",\" \",\" \",\" \"\r\n"
            + "\"05/01/2024 12:00:15.000\",\"30\",\"30\",\"20\",\"10\"\r\n"
            + "\"05/01/2024 12:00:30.000\",\"50.5\",\"50.5\",\"40\",\"11\"\r\n";
    static final String RUSSIAN = "\"(PDH-CSV 4.0) (RTZ 2 (\",\"\\\\PC\\Процессор(_Total)\\% загруженности процессора\",\"\\\\PC\\Процесс(Блокнот)\\% загруженности процессора\"\n"
            + "\"03/01/2024 12:00:00\",\"40\",\"4\"\n\"03/01/2024 12:00:15\",\"41\",\"5\"\n";
    static final String HOST = "time,web,db\n2024-01-01T00:00:00Z,10,20\n2024-01-01T00:00:20Z,11,21\n1704067260,12,22\n";
    static final String SIM = SimCpuCsvReader.HEADER + "\n0,web,2,_Total,50,40,55\n0,web,2,sql,30,24,55\n15,web,2,_Total,60,50,65\n15,web,2,sql,40,30,65\n";

    static final List<byte[]> SEEDS = List.of(ESXTOP.getBytes(StandardCharsets.UTF_8), PERFMON.getBytes(StandardCharsets.UTF_8),
            ("\uFEFF" + PERFMON).getBytes(StandardCharsets.UTF_16LE), RUSSIAN.getBytes(CharsetSniffer.WINDOWS_1251),
            HOST.getBytes(StandardCharsets.UTF_8), SIM.getBytes(StandardCharsets.UTF_8));

    static Path dir;

    @BeforeContainer
    static void makeDir() throws IOException {
        dir = Files.createTempDirectory("memvisor-fuzz");
    }

    @AfterContainer
    static void removeDir() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) Files.deleteIfExists(p);
        }
        Files.deleteIfExists(dir);
    }

    /** Every reader on {@code bytes}: each must return or throw a FileFormatException that names the file. */
    static void everyReaderAccepts(byte[] bytes) throws IOException {
        Path file = dir.resolve("fuzz.csv");
        Files.write(file, bytes);
        List<Consumer<Path>> readers = List.of(
                EsxtopAnalyzer::analyze,
                PerfmonGuestReader::read,
                p -> HostCpuReader.read(p, "web", "% Used"),
                SimCpuCsvReader::read);
        for (Consumer<Path> r : readers) {
            try {
                r.accept(file);
            } catch (FileFormatException e) {
                assertThat(e.getMessage()).startsWith(file.toString());
                assertThat(e.file()).isEqualTo(file);
            }
        }
    }

    /** The seeds are valid, so their edits and cuts start from files each reader reads. */
    @Example
    void theSeedsAreReadWithoutError() throws IOException {
        Path p = dir.resolve("seed.csv");
        Files.write(p, SEEDS.get(0));
        assertThat(EsxtopAnalyzer.analyze(p).vms()).hasSize(1);
        for (int i : new int[] {1, 2, 3}) {
            Files.write(p, SEEDS.get(i));
            assertThat(PerfmonGuestReader.read(p).totalPct().size()).isGreaterThanOrEqualTo(2);
        }
        Files.write(p, SEEDS.get(4));
        assertThat(HostCpuReader.read(p, "web", "% Used").size()).isEqualTo(3);
        Files.write(p, SEEDS.get(5));
        assertThat(SimCpuCsvReader.read(p)).containsKey("web");
    }

    @Property(tries = 300)
    void randomBytes(@ForAll("bytes") byte[] bytes) throws IOException {
        everyReaderAccepts(bytes);
    }

    @Property(tries = 600)
    void randomEditsOfValidFiles(@ForAll("seeds") byte[] seed, @ForAll("edits") List<int[]> edits) throws IOException {
        byte[] b = seed.clone();
        for (int[] e : edits) b = edit(b, e[0], e[1], e[2]);
        everyReaderAccepts(b);
    }

    @Property(tries = 300)
    void validFilesCutAnywhere(@ForAll("seeds") byte[] seed, @ForAll("fractions") double at) throws IOException {
        everyReaderAccepts(Arrays.copyOf(seed, (int) (seed.length * at)));
    }

    /** Applies one edit: kind 0 replaces a byte, 1 inserts one, 2 deletes a run, 3 duplicates a run (a repeated row or field). */
    static byte[] edit(byte[] b, int kind, int where, int value) {
        if (b.length == 0) return new byte[] {(byte) value};
        int at = Math.floorMod(where, b.length);
        switch (kind) {
            case 0: { byte[] c = b.clone(); c[at] = (byte) value; return c; }
            case 1: { byte[] c = new byte[b.length + 1]; System.arraycopy(b, 0, c, 0, at); c[at] = (byte) value; System.arraycopy(b, at, c, at + 1, b.length - at); return c; }
            case 2: { int n = Math.min(Math.floorMod(value, 40) + 1, b.length - at); byte[] c = new byte[b.length - n]; System.arraycopy(b, 0, c, 0, at); System.arraycopy(b, at + n, c, at, b.length - at - n); return c; }
            default: { int n = Math.min(Math.floorMod(value, 80) + 1, b.length - at); byte[] c = new byte[b.length + n]; System.arraycopy(b, 0, c, 0, at + n); System.arraycopy(b, at, c, at + n, b.length - at); return c; }
        }
    }

    @Provide
    Arbitrary<byte[]> bytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(600);
    }

    @Provide
    Arbitrary<byte[]> seeds() {
        return Arbitraries.of(SEEDS);
    }

    @Provide
    Arbitrary<List<int[]>> edits() {
        // Bytes that matter to these formats are favoured: quotes, commas, line ends, digits, signs, exponents, NUL.
        Arbitrary<Integer> value = Arbitraries.oneOf(Arbitraries.of((int) '"', (int) ',', (int) '\n', (int) '\r', (int) '-', (int) 'e', (int) '9', (int) '.', 0, (int) '\\', (int) '('),
                Arbitraries.integers().between(0, 255));
        return Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 1 << 20), value)
                .as((k, w, v) -> new int[] {k, w, v}).list().ofMinSize(1).ofMaxSize(6);
    }

    @Provide
    Arbitrary<Double> fractions() {
        return Arbitraries.doubles().between(0, 1);
    }
}
