package dev.memvisor.measure.esxtop;

import dev.memvisor.measure.pdh.CounterPath;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Writes an esxtop batch file ({@code esxtop -b}): PDH-CSV 4.0, the format perfmon, esxplot,
 * VisualEsxtop and {@code memvisor analyze esxtop} read. The first header field says the time zone
 * and its bias ({@code "(PDH-CSV 4.0) (UTC)(0)"}: times are written in UTC), then one quoted
 * {@code \\machine\Object(Instance)\Counter} per column; each row is a quoted timestamp
 * {@code MM/dd/yyyy HH:mm:ss} and one quoted value per column, empty where a value is missing (an
 * entity that has gone). The columns are fixed by the header, as esxtop fixes them at its first sample.
 */
public final class EsxtopBatchWriter {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("MM/dd/yyyy HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final Writer out;
    private final int columns;

    /**
     * One counter column.
     *
     * @param object   the performance object ({@code Memory}, {@code Group Memory}, {@code Vcpu})
     * @param instance the instance ({@code 1234:web}), or null for objects without instances
     * @param counter  the counter ({@code Memctl MBytes})
     */
    public record Column(String object, String instance, String counter) {}

    /**
     * Writes the header line.
     *
     * @param machine the machine name of every counter path (esxtop writes the host's name)
     * @throws UncheckedIOException when the writer fails
     */
    public EsxtopBatchWriter(Writer out, String machine, List<Column> columns) {
        this.out = out;
        this.columns = columns.size();
        StringBuilder b = new StringBuilder("\"(PDH-CSV 4.0) (UTC)(0)\"");
        for (Column c : columns) b.append(",\"").append(CounterPath.header(machine, c.object(), c.instance(), c.counter())).append('"');
        write(b.append("\n").toString());
    }

    /**
     * Writes one sample: {@code values[i]} for column i, NaN for a missing value; numbers with at most
     * {@code 2} decimals, as esxtop writes them.
     *
     * @throws IllegalArgumentException when there are not as many values as columns
     * @throws UncheckedIOException when the writer fails
     */
    public void row(Instant time, double[] values) {
        if (values.length != columns) throw new IllegalArgumentException("a row of " + values.length + " values for " + columns + " columns");
        StringBuilder b = new StringBuilder("\"").append(TIME.format(time)).append('"');
        for (double v : values) b.append(",\"").append(Double.isNaN(v) ? "" : number(v)).append('"');
        write(b.append("\n").toString());
    }

    /** {@code v} with at most two decimals, no exponent, no trailing zeros after the point. */
    static String number(double v) {
        if (Double.isInfinite(v)) throw new IllegalArgumentException("an infinite value");
        BigDecimal d = BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_EVEN).stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
    }

    private void write(String s) {
        try {
            out.write(s);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing the esxtop batch output: " + e.getMessage(), e);
        }
    }
}
