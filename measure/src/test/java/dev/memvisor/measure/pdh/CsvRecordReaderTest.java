package dev.memvisor.measure.pdh;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class CsvRecordReaderTest {
    private static CsvRecordReader reader(String text) {
        return new CsvRecordReader(new StringReader(text), Path.of("t.csv"));
    }

    @Property(tries = 2000)
    void numbersParseExactlyAsParseDouble(@ForAll @DoubleRange(min = -1e9, max = 1e9) double d, @ForAll boolean plain) {
        String s = plain ? new BigDecimal(d).setScale(Math.abs((int) d) % 9, java.math.RoundingMode.HALF_UP).toPlainString() : Double.toString(d);
        CsvRecordReader r = reader("\"" + s + "\"," + s + "\n");
        assertThat(r.next()).isTrue();
        assertThat(r.number(0, "a")).isEqualTo(Double.parseDouble(s));
        assertThat(r.number(1, "b")).isEqualTo(Double.parseDouble(s));
    }

    @Test
    void quotingEscapesBlanksAndTheEsxtopGluedField() {
        CsvRecordReader r = reader("\"a,b\",\"say \"\"hi\"\"\", \"padded\",   -\"glued\", 12.5 ,\"\"\r\nnext\n");
        assertThat(r.next()).isTrue();
        assertThat(r.fieldCount()).isEqualTo(7);
        assertThat(r.field(0)).isEqualTo("a,b");
        assertThat(r.field(1)).isEqualTo("say \"hi\"");
        assertThat(r.field(2)).isEqualTo("padded");
        assertThat(r.field(3)).isEqualTo("   -");
        assertThat(r.field(4)).isEqualTo("glued");
        assertThat(r.number(5, "x")).isEqualTo(12.5);
        assertThat(r.number(6, "y")).isNaN();
        assertThat(r.next()).isTrue();
        assertThat(r.line()).isEqualTo(2);
        assertThat(r.field(0)).isEqualTo("next");
        assertThat(r.next()).isFalse();
    }

    @Test
    void aQuotedFieldMaySpanLines() {
        CsvRecordReader r = reader("\"one\ntwo\",3\n4\n");
        assertThat(r.next()).isTrue();
        assertThat(r.field(0)).isEqualTo("one\ntwo");
        assertThat(r.next()).isTrue();
        assertThat(r.line()).isEqualTo(3);
    }
}
