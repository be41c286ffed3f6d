package dev.memvisor.cli.measure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memvisor.cli.CliRun;
import dev.memvisor.measure.pdh.CharsetSniffer;
import dev.memvisor.measure.pdh.PerfLanguage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code correct-cpu} on perfmon exports written in every language of the counter table and in the encodings
 * Windows writes them in: each gives the same corrected figures as its English twin, or the documented error.
 */
class LocalizedPerfmonTest {
    /** The ANSI code page Windows uses for each language (typeperf and relog write it when not writing UTF-16). */
    static final Map<PerfLanguage, Charset> ANSI = Map.of(PerfLanguage.ENGLISH, CharsetSniffer.WINDOWS_1252, PerfLanguage.GERMAN, CharsetSniffer.WINDOWS_1252,
            PerfLanguage.FRENCH, CharsetSniffer.WINDOWS_1252, PerfLanguage.SPANISH, CharsetSniffer.WINDOWS_1252, PerfLanguage.ITALIAN, CharsetSniffer.WINDOWS_1252,
            PerfLanguage.PORTUGUESE, CharsetSniffer.WINDOWS_1252, PerfLanguage.RUSSIAN, CharsetSniffer.WINDOWS_1251,
            PerfLanguage.JAPANESE, CharsetSniffer.WINDOWS_932, PerfLanguage.CHINESE, CharsetSniffer.WINDOWS_936);
    /** A process name in the language's script, so the encoding matters beyond the counter names. */
    static final Map<PerfLanguage, String> PROCESS = Map.of(PerfLanguage.ENGLISH, "web", PerfLanguage.GERMAN, "Büroablage", PerfLanguage.FRENCH, "éditeur",
            PerfLanguage.SPANISH, "año", PerfLanguage.ITALIAN, "città", PerfLanguage.PORTUGUESE, "ação", PerfLanguage.RUSSIAN, "Блокнот",
            PerfLanguage.JAPANESE, "メモ帳", PerfLanguage.CHINESE, "记事本");

    @TempDir
    Path tmp;

    static Stream<Arguments> exports() {
        List<Arguments> out = new ArrayList<>();
        for (PerfLanguage l : PerfLanguage.values()) {
            // variant 1: the second name where the table has several (Brazilian vs European Portuguese, katakana Japanese)
            for (int variant : new int[] {0, 1}) {
                for (Charset cs : List.of(ANSI.get(l), StandardCharsets.UTF_16LE, StandardCharsets.UTF_8)) out.add(Arguments.of(l, variant, cs));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} names (variant {1}) in {2}")
    @MethodSource("exports")
    void everyLanguageAndEncodingGivesTheFiguresOfItsEnglishTwin(PerfLanguage language, int variant, Charset cs) throws Exception {
        Path host = write("host.csv", PerfmonFixture.hostCsv(20), StandardCharsets.UTF_8);
        String proc = PROCESS.get(language);
        Path twin = write("twin.csv", PerfmonFixture.guestCsv(20, 0, PerfmonFixture.FLE, PerfmonFixture.Names.english(), "sql", proc, true), StandardCharsets.UTF_8);
        // As typeperf writes names typed in another case and spacing: lower case, doubled blanks (variant 1).
        PerfmonFixture.Names names = PerfmonFixture.Names.of(language, variant);
        if (variant == 1) names = names.map(s -> s.toLowerCase(Locale.ROOT).replace(" ", "  "));
        String text = PerfmonFixture.guestCsv(20, 0, PerfmonFixture.FLE, names, "sql", proc, true);
        Path local = write("local.csv", cs.equals(StandardCharsets.UTF_16LE) ? "\uFEFF" + text : text, cs);

        CliRun expected = CliRun.of("correct-cpu", "--host", host.toString(), "--guest", twin.toString(), "--vm", "vm1", "--json");
        CliRun actual = CliRun.of("correct-cpu", "--host", host.toString(), "--guest", local.toString(), "--vm", "vm1", "--json");
        assertThat(expected.status()).as(expected.err()).isZero();
        assertThat(actual.status()).as(actual.err()).isZero();
        JsonNode e = new ObjectMapper().readTree(expected.out()), a = new ObjectMapper().readTree(actual.out());
        assertThat(a.get("windows")).hasSize(4);
        assertThat(a).isEqualTo(e);
        assertThat(a.get("windows").get(0).get("processes").has(proc)).isTrue();
        if (!language.equals(PerfLanguage.ENGLISH) && !(language == PerfLanguage.JAPANESE && variant == 0)) {
            assertThat(actual.err()).contains("counter names in").contains(language.displayName());
        }
    }

    @Test
    void aHeaderCutShortNeedsAnOffsetAndSaysWhichWasUsed() throws Exception {
        Path host = write("host.csv", PerfmonFixture.hostCsv(30), StandardCharsets.UTF_8);
        PerfmonFixture.Names ru = PerfmonFixture.Names.of(PerfLanguage.RUSSIAN, 0);
        Path twin = write("twin.csv", PerfmonFixture.guestCsv(30, 0, PerfmonFixture.FLE, ru, "sql", "web", true), CharsetSniffer.WINDOWS_1251);
        // A Russian Windows wrote its zone's name and lost the bias: the local times are UTC+02:00 here.
        Path cut = write("cut.csv", PerfmonFixture.guestCsv(30, 0, "(PDH-CSV 4.0) (RTZ 2 (", ru, "sql", "web", true), CharsetSniffer.WINDOWS_1251);
        CliRun expected = CliRun.of("correct-cpu", "--host", host.toString(), "--guest", twin.toString(), "--vm", "vm1", "--json");
        assertThat(expected.status()).as(expected.err()).isZero();
        JsonNode e = new ObjectMapper().readTree(expected.out()).get("windows");

        CliRun none = CliRun.of("correct-cpu", "--host", host.toString(), "--guest", cut.toString(), "--vm", "vm1");
        assertThat(none.status()).isEqualTo(2);
        assertThat(none.err()).contains("cut.csv").contains("no bias").contains("--timezone").contains("--clock-offset");

        CliRun zone = CliRun.of("correct-cpu", "--host", host.toString(), "--guest", cut.toString(), "--vm", "vm1", "--json", "--timezone", "Europe/Kiev");
        assertThat(zone.err()).contains("time zone Europe/Kiev (--timezone");
        // 2024-05-01 is summer time in Kyiv, UTC+03:00: an hour off from the file's true UTC+02:00, so no overlap; +02:00 fixes it
        assertThat(zone.status()).isEqualTo(1);
        assertThat(zone.err()).contains("overlap for 0 s");
        CliRun fixed = CliRun.of("correct-cpu", "--host", host.toString(), "--guest", cut.toString(), "--vm", "vm1", "--json", "--timezone", "+02:00");
        assertThat(new ObjectMapper().readTree(fixed.out()).get("windows")).isEqualTo(e);

        CliRun offset = CliRun.of("correct-cpu", "--host", host.toString(), "--guest", cut.toString(), "--vm", "vm1", "--json", "--clock-offset", "-7200");
        assertThat(offset.status()).as(offset.err()).isZero();
        assertThat(offset.err()).contains("local times put on the host clock by --clock-offset -7200 s");
        assertThat(new ObjectMapper().readTree(offset.out()).get("windows")).isEqualTo(e);

        CliRun auto = CliRun.of("correct-cpu", "--host", host.toString(), "--guest", cut.toString(), "--vm", "vm1", "--json", "--clock-offset", "auto");
        assertThat(auto.status()).as(auto.err()).isZero();
        assertThat(auto.err()).contains("estimated clock offset -7200.0 s").contains("(--clock-offset auto)");
        assertThat(new ObjectMapper().readTree(auto.out()).get("windows")).isEqualTo(e);
    }

    @Test
    void typeperfsHeaderWithoutAnyTimeZoneIsReadTheSameWay() throws Exception {
        Path host = write("host.csv", PerfmonFixture.hostCsv(20), StandardCharsets.UTF_8);
        Path twin = write("twin.csv", PerfmonFixture.guestCsv(20, 0, PerfmonFixture.FLE, PerfmonFixture.Names.english(), "sql", "web", false), StandardCharsets.UTF_8);
        Path bare = write("bare.csv", PerfmonFixture.guestCsv(20, 0, "(PDH-CSV 4.0)", PerfmonFixture.Names.of(PerfLanguage.FRENCH, 0), "sql", "web", false),
                CharsetSniffer.WINDOWS_1252);
        JsonNode e = new ObjectMapper().readTree(CliRun.of("correct-cpu", "--host", host.toString(), "--guest", twin.toString(), "--vm", "vm1", "--json").out());
        CliRun r = CliRun.of("correct-cpu", "--host", host.toString(), "--guest", bare.toString(), "--vm", "vm1", "--json", "--timezone", "+02:00");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(new ObjectMapper().readTree(r.out()).get("windows")).isEqualTo(e.get("windows"));
    }

    @Test
    void anUnknownLanguageListsItsObjectsAndSaysHowToGetNamesMemvisorReads() throws Exception {
        Path host = write("host.csv", PerfmonFixture.hostCsv(20), StandardCharsets.UTF_8);
        // Polish: not in the table.
        PerfmonFixture.Names pl = new PerfmonFixture.Names("Procesor", "Czas procesora (%)", "Proces", "Czas procesora (%)", "Pamięć", "Dostępna pamięć (MB)");
        Path polish = write("pl.csv", PerfmonFixture.guestCsv(20, 0, PerfmonFixture.FLE, pl, "sql", "web", true), Charset.forName("windows-1250"));
        CliRun r = CliRun.of("correct-cpu", "--host", host.toString(), "--guest", polish.toString(), "--vm", "vm1", "--encoding", "cp1250");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("pl.csv:1").contains("Procesor, Proces, Pamięć").contains("English, German, French")
                .contains("no option for English names").contains("--guest-total");
        // Naming the columns as the file writes them gives the English twin's figures.
        Path twin = write("twin.csv", PerfmonFixture.guestCsv(20, 0, PerfmonFixture.FLE, PerfmonFixture.Names.english(), "sql", "web", true), StandardCharsets.UTF_8);
        JsonNode e = new ObjectMapper().readTree(CliRun.of("correct-cpu", "--host", host.toString(), "--guest", twin.toString(), "--vm", "vm1", "--json").out());
        CliRun named = CliRun.of("correct-cpu", "--host", host.toString(), "--guest", polish.toString(), "--vm", "vm1", "--json", "--encoding", "cp1250",
                "--guest-total", "Procesor(_Total)\\Czas procesora (%)", "--guest-process", "Proces(*)\\Czas procesora (%)");
        assertThat(named.status()).as(named.err()).isZero();
        assertThat(new ObjectMapper().readTree(named.out())).isEqualTo(e);
    }

    @Test
    void aWrongEncodingNameIsAUsageError() throws Exception {
        Path host = write("host.csv", PerfmonFixture.hostCsv(10), StandardCharsets.UTF_8);
        CliRun r = CliRun.of("correct-cpu", "--host", host.toString(), "--guest", host.toString(), "--vm", "vm1", "--encoding", "klingon");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("unknown encoding 'klingon'").contains("cp1251");
    }

    private Path write(String name, String text, Charset cs) throws Exception {
        Path p = tmp.resolve(name);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(text.getBytes(cs));
        Files.write(p, b.toByteArray());
        return p;
    }
}
