package dev.memvisor.measure.pdh;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The counter table: every language names what memvisor reads, and names match whatever their case and spacing. */
class CounterNamesTest {
    /** A localized name and the English object and counter (null: the object) it stands for. */
    record Name(String local, String object, String counter) {}

    static List<Name> all() {
        List<Name> out = new ArrayList<>();
        for (PerfLanguage l : PerfLanguage.values()) {
            for (Map.Entry<String, List<String>> e : CounterNames.englishCounters().entrySet()) {
                for (String n : CounterNames.localizedObjects(l, e.getKey())) out.add(new Name(n, e.getKey(), null));
                for (String c : e.getValue()) for (String n : CounterNames.localizedCounters(l, e.getKey(), c)) out.add(new Name(n, e.getKey(), c));
            }
        }
        return out;
    }

    @Example
    void everyLanguageNamesTheObjectsAndTheCounterMemvisorReads() {
        for (PerfLanguage l : PerfLanguage.values()) {
            for (String object : List.of("Processor", "Process", "Memory")) assertThat(CounterNames.localizedObjects(l, object)).as(l + " " + object).isNotEmpty();
            assertThat(CounterNames.localizedCounters(l, "Processor", "% Processor Time")).as(l.name()).isNotEmpty();
            assertThat(CounterNames.localizedCounters(l, "Process", "% Processor Time")).as(l.name()).isNotEmpty();
            assertThat(l.source()).isNotBlank();
        }
    }

    @Example
    void theExamplesOfTheIssueTranslate() {
        CounterPath ru = CounterPath.parse("\\\\HOST\\Процесс(_Total)\\% загруженности процессора");
        assertThat(ru.object()).isEqualTo("Process");
        assertThat(ru.counter()).isEqualTo("% Processor Time");
        CounterPath de = CounterPath.parse("\\\\HOST\\Prozessor(_Total)\\Prozessorzeit (%)");
        assertThat(de.object()).isEqualTo("Processor");
        assertThat(de.counter()).isEqualTo("% Processor Time");
        // Unknown names pass through unchanged, so esxtop's objects are untouched.
        CounterPath esx = CounterPath.parse("\\\\h\\Group Cpu(7:web)\\% Ready");
        assertThat(esx.object()).isEqualTo("Group Cpu");
        assertThat(CounterNames.languagesOfObject("Memoria")).containsExactlyInAnyOrder(PerfLanguage.SPANISH, PerfLanguage.ITALIAN);
    }

    @Property(tries = 400)
    void namesMatchWhateverTheirCaseAndSpacing(@ForAll("names") Name n, @ForAll("seeds") long seed) {
        java.util.Random r = new java.util.Random(seed);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n.local().length(); i++) {
            char c = n.local().charAt(i);
            b.append(r.nextBoolean() ? String.valueOf(c).toUpperCase(Locale.ROOT) : String.valueOf(c).toLowerCase(Locale.ROOT));
            if (r.nextInt(6) == 0) b.append(r.nextBoolean() ? " " : "\u00A0");
        }
        String mangled = b.toString().replace('\'', '\u2019');
        if (n.counter() == null) assertThat(CounterNames.object(mangled)).isEqualTo(n.object());
        else assertThat(CounterNames.counter(n.object(), mangled)).isEqualTo(n.counter());
    }

    @Provide
    Arbitrary<Name> names() {
        return Arbitraries.of(all());
    }

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs();
    }
}
