package dev.memvisor.measure.pdh;

import dev.memvisor.measure.FileFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reads the real exports in data/ and constructed edge cases. */
class PdhCsvFileTest {
    static final Path ESXTOP = Path.of("../data/esxtop/esxtop-data.csv");
    static final Path PERFMON = Path.of("../data/perfmon/perfmon.csv");

    @TempDir
    Path tmp;

    record Row(long t, double[] v, long line) {}

    static List<Row> readAll(PdhCsvFile f, int[] cols) {
        List<Row> rows = new ArrayList<>();
        f.stream(cols, (t, v, line) -> rows.add(new Row(t, v.clone(), line)));
        return rows;
    }

    @Test
    void realEsxtopExportStreamsWithItsQuirkyUnquotedColumns() {
        try (PdhCsvFile f = PdhCsvFile.open(ESXTOP)) {
            // 17,427 comma-separated header fields, one of which hides a second (unquoted "   -" glued to a quoted path):
            // 17,428 fields, the first being the time.
            assertThat(f.columns()).hasSize(17427);
            assertThat(f.columns().get(17426)).isNull();
            assertThat(f.columns().get(17397)).isNull();
            assertThat(f.columns().get(17398).raw()).isEqualTo("\\\\localhost.home\\PCPU Power State(PCPU 1)\\%C-State C0");
            assertThat(f.timeZoneName()).isEqualTo("UTC");
            assertThat(f.biasMinutes()).isZero();
            int[] cols = f.select(List.of(CounterSelector.parse("Group Memory(*:portunus)\\Memctl MBytes"),
                    CounterSelector.parse("Memory\\Free MBytes")));
            assertThat(cols).hasSize(2);
            List<Row> rows = readAll(f, cols);
            assertThat(rows).hasSize(3);
            assertThat(rows.get(0).t()).isEqualTo(Instant.parse("2018-04-24T10:49:12Z").toEpochMilli());
            assertThat(rows.get(2).t() - rows.get(1).t()).isEqualTo(5000);
            assertThat(rows.get(0).v()).containsExactly(590, 1302.00); // file order: Memory before Group Memory
            assertThat(rows.get(2).line()).isEqualTo(4);
        }
    }

    @Test
    void realPerfmonExportHasTimeZoneBlanksAndAllRows() {
        try (PdhCsvFile f = PdhCsvFile.open(PERFMON)) {
            assertThat(f.timeZoneName()).isEqualTo("Sri Lanka Standard Time");
            assertThat(f.biasMinutes()).isEqualTo(-330);
            assertThat(f.charset()).isEqualTo(StandardCharsets.UTF_8);
            int[] cols = f.select(List.of(CounterSelector.parse("Processor(_Total)\\% Processor Time")));
            assertThat(cols).containsExactly(0);
            List<Row> rows = readAll(f, cols);
            assertThat(rows).hasSize(11520);
            assertThat(rows.get(0).v()[0]).isNaN(); // the first row is " "
            assertThat(rows.get(1).v()[0]).isEqualTo(13.959073156484624);
            // 04/28/2023 05:55:48.490 in UTC+05:30 is 00:25:48.490 UTC
            assertThat(rows.get(0).t()).isEqualTo(Instant.parse("2023-04-28T00:25:48.490Z").toEpochMilli());
        }
    }

    @Test
    void utf16WithBomAndGermanNamesAreTranslated() throws IOException {
        String text = "\uFEFF\"(PDH-CSV 4.0) (W. Europe Standard Time)(-60)\",\"\\\\PC\\Prozessor(_Total)\\Prozessorzeit (%)\",\"\\\\PC\\Prozess(chrome#1)\\Prozessorzeit (%)\"\r\n"
                + "\"01/02/2024 10:00:00.000\",\"12.5\",\"3\"\r\n";
        Path p = write("de.csv", text, StandardCharsets.UTF_16LE);
        try (PdhCsvFile f = PdhCsvFile.open(p)) {
            assertThat(f.charset()).isEqualTo(StandardCharsets.UTF_16LE);
            assertThat(f.columns().get(1).object()).isEqualTo("Process");
            assertThat(f.columns().get(1).counter()).isEqualTo("% Processor Time");
            assertThat(f.columns().get(1).instance()).isEqualTo("chrome#1");
            assertThat(f.columns().get(1).instanceBaseName()).isEqualTo("chrome");
            List<Row> rows = readAll(f, f.select(List.of(CounterSelector.parse("Process(*)\\% Processor Time"))));
            assertThat(rows.get(0).v()).containsExactly(3.0);
            assertThat(rows.get(0).t()).isEqualTo(Instant.parse("2024-01-02T09:00:00Z").toEpochMilli());
        }
    }

    @Test
    void windows1251RussianExportIsDetected() throws IOException {
        String text = "\"(PDH-CSV 4.0) (RTZ 2 (зима))(-180)\",\"\\\\PC\\Процессор(_Total)\\% загруженности процессора\"\n"
                + "\"03/01/2024 12:00:15.5\",\"40\"\n";
        Path p = write("ru.csv", text, CharsetSniffer.WINDOWS_1251);
        try (PdhCsvFile f = PdhCsvFile.open(p)) {
            assertThat(f.charset()).isEqualTo(CharsetSniffer.WINDOWS_1251);
            assertThat(f.timeZoneName()).isEqualTo("RTZ 2 (зима)");
            assertThat(f.columns().get(0).object()).isEqualTo("Processor");
            List<Row> rows = readAll(f, f.select(List.of(CounterSelector.of("Processor", "_Total", "% Processor Time"))));
            assertThat(rows.get(0).v()).containsExactly(40.0);
            assertThat(rows.get(0).t()).isEqualTo(Instant.parse("2024-03-01T09:00:15.500Z").toEpochMilli());
        }
    }

    @Test
    void utf16BigEndianWithoutBomIsDetected() throws IOException {
        Path p = write("be.csv", "\"(PDH-CSV 4.0) (UTC)(0)\",\"\\\\h\\Memory\\Available MBytes\"\n\"01/01/2024 00:00:00\",\"7\"\n", StandardCharsets.UTF_16BE);
        try (PdhCsvFile f = PdhCsvFile.open(p)) {
            assertThat(f.charset()).isEqualTo(StandardCharsets.UTF_16BE);
            assertThat(readAll(f, new int[] {0}).get(0).v()).containsExactly(7.0);
        }
    }

    @Test
    void aValueThatIsNotANumberNamesFileLineAndColumn() throws IOException {
        Path p = write("bad.csv", "\"(PDH-CSV 4.0) (UTC)(0)\",\"\\\\h\\Memory\\Free MBytes\"\n\"01/01/2024 00:00:00\",\"1\"\n\"01/01/2024 00:00:05\",\"abc\"\n", StandardCharsets.UTF_8);
        try (PdhCsvFile f = PdhCsvFile.open(p)) {
            assertThatThrownBy(() -> readAll(f, new int[] {0}))
                    .isInstanceOf(FileFormatException.class)
                    .hasMessageContaining("bad.csv:3")
                    .hasMessageContaining("a number in column 2 (\\\\h\\Memory\\Free MBytes), got 'abc'");
        }
    }

    @Test
    void aShortRowIsAnErrorNotAShiftedValue() throws IOException {
        Path p = write("short.csv", "\"(PDH-CSV 4.0) (UTC)(0)\",\"\\\\h\\A\\x\",\"\\\\h\\A\\y\"\n\"01/01/2024 00:00:00\",\"1\"\n", StandardCharsets.UTF_8);
        try (PdhCsvFile f = PdhCsvFile.open(p)) {
            assertThatThrownBy(() -> readAll(f, new int[] {1}))
                    .hasMessageContaining("short.csv:2: 3 fields as in the header, got 2");
        }
    }

    @Test
    void aBadTimestampAndABadHeaderAreNamed() throws IOException {
        Path p = write("ts.csv", "\"(PDH-CSV 4.0) (UTC)(0)\",\"\\\\h\\A\\x\"\n\"2024-01-01 00:00\",\"1\"\n", StandardCharsets.UTF_8);
        try (PdhCsvFile f = PdhCsvFile.open(p)) {
            assertThatThrownBy(() -> readAll(f, new int[] {0})).hasMessageContaining("ts.csv:2: a timestamp 'MM/dd/yyyy HH:mm:ss[.fff]'");
        }
        Path h = write("hdr.csv", "time,cpu\n1,2\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> PdhCsvFile.open(h)).isInstanceOf(FileFormatException.class)
                .hasMessageContaining("hdr.csv:1: a PDH-CSV header");
    }

    @Test
    void anUnclosedQuoteIsReportedAtTheLineItOpened() throws IOException {
        Path p = write("q.csv", "\"(PDH-CSV 4.0) (UTC)(0)\",\"\\\\h\\A\\x\"\n\"01/01/2024 00:00:00\",\"1\n", StandardCharsets.UTF_8);
        try (PdhCsvFile f = PdhCsvFile.open(p)) {
            assertThatThrownBy(() -> readAll(f, new int[] {0})).hasMessageContaining("q.csv:2: a closing quote");
        }
    }

    @Test
    void bytesInvalidInTheDetectedEncodingPastTheSniffWindowAreAnErrorNotGarbage() throws IOException {
        StringBuilder sb = new StringBuilder("\"(PDH-CSV 4.0) (UTC)(0)\",\"\\\\h\\A\\x\"\n");
        for (int i = 0; i < 4000; i++) sb.append(String.format("\"01/01/2024 %02d:%02d:%02d\",\"1\"%n", i / 3600, i / 60 % 60, i % 60));
        byte[] head = sb.toString().getBytes(StandardCharsets.UTF_8);
        byte[] bad = "\"01/01/2024 02:00:00\",\"#\"\n".getBytes(StandardCharsets.US_ASCII);
        bad[bad.length - 3] = (byte) 0xFF; // never valid in UTF-8
        Path p = tmp.resolve("mixed.csv");
        byte[] all = java.util.Arrays.copyOf(head, head.length + bad.length);
        System.arraycopy(bad, 0, all, head.length, bad.length);
        Files.write(p, all);
        try (PdhCsvFile f = PdhCsvFile.open(p)) {
            assertThat(f.charset()).isEqualTo(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> readAll(f, new int[] {0})).isInstanceOf(FileFormatException.class)
                    .hasMessageContaining("mixed.csv:").hasMessageContaining("not valid in the one detected").hasMessageContaining("--encoding");
        }
    }

    @Test
    void theEndOfDaylightSavingTimeKeepsUtcTimesRisingAndOtherStepsBackAreErrors() throws IOException {
        // US Pacific, 2026-11-01: 01:59:30 PDT (UTC-7) is followed by 01:00:00 PST (UTC-8)
        String head = "\"(PDH-CSV 4.0) (Pacific Daylight Time)(420)\",\"\\\\h\\A\\x\"\n";
        Path p = write("dst.csv", head + "\"11/01/2026 01:59:00\",\"1\"\n\"11/01/2026 01:59:30\",\"2\"\n"
                + "\"11/01/2026 01:00:00\",\"3\"\n\"11/01/2026 01:00:30\",\"4\"\n", StandardCharsets.UTF_8);
        try (PdhCsvFile f = PdhCsvFile.open(p)) {
            List<Row> rows = readAll(f, new int[] {0});
            assertThat(rows.get(1).t()).isEqualTo(Instant.parse("2026-11-01T08:59:30Z").toEpochMilli());
            assertThat(rows.get(2).t()).isEqualTo(Instant.parse("2026-11-01T09:00:00Z").toEpochMilli());
            assertThat(rows.get(3).t() - rows.get(2).t()).isEqualTo(30_000);
            assertThat(f.daylightSavingEnds()).isEqualTo(1);
        }
        Path bad = write("back.csv", head + "\"11/01/2026 03:00:00\",\"1\"\n\"11/01/2026 01:30:00\",\"2\"\n", StandardCharsets.UTF_8);
        try (PdhCsvFile f = PdhCsvFile.open(bad)) {
            assertThatThrownBy(() -> readAll(f, new int[] {0})).isInstanceOf(FileFormatException.class)
                    .hasMessageContaining("back.csv:3").hasMessageContaining("5400 s before the previous row's");
        }
    }

    private Path write(String name, String text, Charset cs) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, text.getBytes(cs));
        return p;
    }
}
