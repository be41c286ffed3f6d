package dev.memvisor.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A table of a report: a header and rows of text cells; the first column is a name, the others are figures. */
public final class Table {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    /** A table with these column headings. */
    public Table(String... header) {
        this.header = List.of(header);
    }

    /** A table with these column headings. */
    public Table(List<String> header) {
        this.header = List.copyOf(header);
    }

    /** Adds a row; each cell is shown as its {@code toString()} (null as empty). */
    public Table row(Object... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("row of " + cells.length + " cells in a table of " + header.size() + " columns: " + Arrays.toString(cells));
        }
        List<String> r = new ArrayList<>(cells.length);
        for (Object c : cells) r.add(c == null ? "" : c.toString());
        rows.add(r);
        return this;
    }

    /** The rows added so far. */
    public int size() { return rows.size(); }

    String render() {
        StringBuilder b = new StringBuilder("<table class='data'><thead><tr>");
        for (String h : header) b.append("<th>").append(Html.escape(h)).append("</th>");
        b.append("</tr></thead><tbody>");
        for (List<String> r : rows) {
            b.append("<tr>");
            for (String c : r) b.append("<td>").append(Html.escape(c)).append("</td>");
            b.append("</tr>");
        }
        return b.append("</tbody></table>").toString();
    }
}
