package dev.memvisor.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Looks at a report as a browser draws it: headless Chromium runs the page's scripts and the test counts pixels. */
class ReportRenderingTest {
    @TempDir Path dir;

    @Test
    void chartsAreDrawnWithTheirLinesBarsAndStateBands() throws Exception {
        int n = 100;
        double[] t = new double[n], free = new double[n], states = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = i * 20;
            free[i] = 1000 - 9 * i;
            states[i] = i < 50 ? 0 : i < 80 ? 2 : 3;
        }
        Path page = dir.resolve("page.html");
        new ReportPage("rendering")
                .chart(TimeChart.elapsed("free", "MB", t).series("free", free).states(states, List.of("high", "clear", "soft", "hard")))
                .chart(new BarChart("slowdown", "x", List.of("a", "b")).series("esx", new double[] {1, 2}).series("static", new double[] {2, 1}))
                .write(page);
        BufferedImage img = HeadlessBrowser.screenshot(page, dir.resolve("page.png"), 1000, 900);
        // the first series' colour (#1f77b4) in the line and in a bar, the second's (#ff7f0e) in a bar; soft and hard bands
        assertThat(count(img, 0x1f77b4)).as("blue pixels of the line and bars").isGreaterThan(500);
        assertThat(count(img, 0xff7f0e)).as("orange pixels of the static bars").isGreaterThan(300);
        assertThat(count(img, 0xfff1c2)).as("soft band").isGreaterThan(2000);
        assertThat(count(img, 0xffd6a8)).as("hard band").isGreaterThan(2000);
    }

    private static int count(BufferedImage img, int rgb) {
        int c = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int p = img.getRGB(x, y) & 0xffffff;
                if (close(p, rgb)) c++;
            }
        }
        return c;
    }

    private static boolean close(int a, int b) {
        for (int s = 0; s <= 16; s += 8) if (Math.abs((a >> s & 0xff) - (b >> s & 0xff)) > 6) return false;
        return true;
    }
}
