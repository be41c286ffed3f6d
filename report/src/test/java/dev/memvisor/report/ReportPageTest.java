package dev.memvisor.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReportPageTest {

    @Test
    void aPageIsSelfContainedEscapedAndCarriesItsChartData() {
        String html = new ReportPage("memvisor <test>")
                .paragraph("a & b")
                .table(new Table("VM", "MB").row("web</td>", 12.5))
                .chart(TimeChart.elapsed("free", "MB", new double[] {0, 20, 40}).series("free", new double[] {10, Double.NaN, 30})
                        .states(new double[] {0, 2, 1}, List.of("high", "soft", "hard")))
                .chart(new BarChart("slowdown", "x", List.of("a", "b")).series("esx", new double[] {1.2, 1.0}))
                .render();
        assertThat(html).contains("<h1>memvisor &lt;test&gt;</h1>", "<p>a &amp; b</p>", "<td>web&lt;/td&gt;</td>", "<td>12.5</td>");
        assertThat(html).doesNotContain("http://", "https://cdn", "<script src");
        // uPlot inlined once, two charts drawn from their data; NaN is a gap (null)
        assertThat(html.split("function memvisorChart\\(", -1)).hasSize(2);
        assertThat(html.split("<script>", -1)).as("uPlot, the glue, the charts").hasSize(4);
        assertThat(html).contains(".uplot");
        assertThat(html).contains("\"values\":[10.0,null,30.0]", "\"bands\":[0.0,2.0,1.0]", "\"categories\":[\"a\",\"b\"]");
        assertThat(html).contains("soft", "hard");
    }

    @Test
    void chartDataCannotCloseTheScriptElement() {
        String html = new ReportPage("t").chart(new BarChart("x", "u", List.of("</script><b>")).series("s", new double[] {1})).render();
        assertThat(html).contains("<\\/script><b>").doesNotContain("\"</script><b>\"");
    }

    @Test
    void aPageWithoutChartsCarriesNoScript() {
        assertThat(new ReportPage("t").paragraph("p").render()).doesNotContain("<script");
    }

    @Test
    void mismatchedSeriesAreRefused() {
        assertThatThrownBy(() -> TimeChart.elapsed("t", "MB", new double[] {0, 1}).series("s", new double[] {1}))
                .hasMessageContaining("series s has 1 values for 2 times");
        assertThatThrownBy(() -> new Table("a", "b").row("only one")).hasMessageContaining("row of 1 cells in a table of 2 columns");
    }
}
