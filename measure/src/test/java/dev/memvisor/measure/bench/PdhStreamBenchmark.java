package dev.memvisor.measure.bench;

import dev.memvisor.measure.esxtop.EsxtopAnalyzer;
import dev.memvisor.measure.pdh.PdhCsvFile;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Streams esxtop exports: the real one in data/ and a synthetic one of {@code vms} VMs x 2,000 samples
 * generated in a temp dir. Score = ms per pass; MB/s = file size / score (the file size is printed on setup).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PdhStreamBenchmark {
    @Param({"real", "synthetic"})
    public String file;

    private Path path;
    private Path tmpDir;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        if (file.equals("real")) {
            path = Path.of(System.getProperty("memvisor.data", "../data"), "esxtop/esxtop-data.csv");
        } else {
            tmpDir = Files.createTempDirectory("memvisor-bench");
            path = tmpDir.resolve("esxtop-synthetic.csv");
            SyntheticEsxtop.write(path, 100, 2000, 1);
        }
        System.err.printf("%n%s: %s, %.1f MB%n", file, path, Files.size(path) / 1e6);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (tmpDir != null) {
            Files.deleteIfExists(path);
            Files.deleteIfExists(tmpDir);
        }
    }

    /** Tokenises every field of every row, parsing no value: the reader's floor. */
    @Benchmark
    public long streamAllRows() {
        try (PdhCsvFile f = PdhCsvFile.open(path)) {
            return f.stream(new int[0], (t, v, line) -> { });
        }
    }

    /** The whole {@code analyze esxtop} pipeline minus the report writers. */
    @Benchmark
    public int analyze() {
        return EsxtopAnalyzer.analyze(path).vms().size();
    }
}
