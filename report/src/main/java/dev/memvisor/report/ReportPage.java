package dev.memvisor.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One self-contained HTML report page (every report of memvisor: simulate, compare, analyze esxtop,
 * fleet, density...): headings, text, tables and charts, one stylesheet, and uPlot with the page's
 * own chart script inlined once, so the file needs nothing but a browser (no network).
 */
public final class ReportPage {
    private static final String UPLOT = "META-INF/resources/webjars/uplot/";
    private final String title;
    private final List<String> body = new ArrayList<>();
    private final List<Chart> charts = new ArrayList<>();

    /** A page with this title (also its first heading). */
    public ReportPage(String title) {
        this.title = title;
    }

    /** A section heading. */
    public ReportPage heading(String text) {
        body.add("<h2>" + Html.escape(text) + "</h2>");
        return this;
    }

    /** A paragraph of plain text. */
    public ReportPage paragraph(String text) {
        body.add("<p>" + Html.escape(text) + "</p>");
        return this;
    }

    /** A bulleted list of plain-text items, each optionally marked as a warning. */
    public ReportPage list(List<String> items, boolean warning) {
        StringBuilder b = new StringBuilder("<ul>");
        for (String i : items) b.append(warning ? "<li class='flag'>" : "<li>").append(Html.escape(i)).append("</li>");
        body.add(b.append("</ul>").toString());
        return this;
    }

    /** A table. */
    public ReportPage table(Table t) {
        body.add(t.render());
        return this;
    }

    /** A chart, drawn where it is added. */
    public ReportPage chart(Chart c) {
        int id = charts.size();
        charts.add(c);
        body.add("<figure><div id='chart" + id + "' class='chart' role='img' aria-label='" + Html.escape(c.title()) + "'></div>"
                + c.footer() + "</figure>");
        return this;
    }

    /** The whole page. */
    public String render() {
        StringBuilder b = new StringBuilder(64 * 1024);
        b.append("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>").append(Html.escape(title)).append("</title><style>")
                .append(resource("report.css"));
        if (!charts.isEmpty()) b.append(uplot("dist/uPlot.min.css"));
        b.append("</style></head><body><h1>").append(Html.escape(title)).append("</h1>\n");
        for (String s : body) b.append(s).append('\n');
        if (!charts.isEmpty()) {
            b.append("<script>").append(uplot("dist/uPlot.iife.min.js")).append("</script>\n<script>").append(resource("report.js"))
                    .append("</script>\n<script>\n");
            for (int i = 0; i < charts.size(); i++) {
                b.append("memvisorChart(document.getElementById('chart").append(i).append("'), ")
                        .append(Json.forScript(charts.get(i).spec())).append(");\n");
            }
            b.append("</script>\n");
        }
        return b.append("</body></html>\n").toString();
    }

    /** Writes the page to {@code file}. */
    public void write(Path file) throws IOException {
        Files.writeString(file, render(), StandardCharsets.UTF_8);
    }

    private static String resource(String name) {
        return read("dev/memvisor/report/" + name);
    }

    private static String uplot(String file) {
        return read(UPLOT + UPLOT_VERSION + "/" + file);
    }

    private static final String UPLOT_VERSION = uplotVersion();

    private static String uplotVersion() {
        java.util.Properties p = new java.util.Properties();
        try (var r = new java.io.StringReader(read("dev/memvisor/report/uplot.properties"))) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version");
    }

    private static String read(String path) {
        try (InputStream in = ReportPage.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("report resource missing from the classpath: " + path);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read report resource " + path, e);
        }
    }
}
