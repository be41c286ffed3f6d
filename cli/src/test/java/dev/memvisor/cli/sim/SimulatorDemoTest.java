package dev.memvisor.cli.sim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The simulator demo runs every packaged example and says where the reports are. */
class SimulatorDemoTest {
    @Test
    void runsEveryExampleAndWritesTheirReports(@TempDir Path tmp) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        Path examples = Path.of(System.getProperty("memvisor.root", "..")).resolve("examples");
        int status = new SimulatorDemo(tmp, examples).run(new PrintWriter(out), new PrintWriter(err));
        assertThat(status).isZero();
        for (String name : dev.memvisor.sim.scenario.Examples.NAMES) {
            assertThat(out.toString()).contains(name);
            assertThat(tmp.resolve(name).resolve("report.html")).isNotEmptyFile();
        }
        assertThat(out.toString()).doesNotContain("not run").contains("index.html").contains("24 real VMs");
        assertThat(tmp.resolve("index.html")).isNotEmptyFile();
    }
}
