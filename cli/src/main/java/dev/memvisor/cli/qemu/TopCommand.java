package dev.memvisor.cli.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memvisor.qemu.manager.HostConfig;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code memvisor top}: esxtop for the KVM guests a running {@code memvisor run} manages. It reads the
 * manager's state file (its latest decision, replaced at each one) or the last line of its decision
 * log, and /proc for CPU over its own delay; interactive (an esxtop memory screen, redrawn every
 * {@code -d} seconds) or batch ({@code -b}: esxtop's batch CSV on standard output), for {@code -n}
 * iterations or until interrupted, as esxtop's options do.
 */
@Command(name = "top", mixinStandardHelpOptions = true,
        description = "Show the guests a running 'memvisor run' manages as esxtop shows a host's VMs (its column names, MB"
                + " columns, sort keys, -d, -n), or with -b write esxtop's batch CSV (PDH-CSV 4.0) for 'memvisor analyze esxtop'"
                + " and other esxtop readers.")
public final class TopCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--state", paramLabel = "FILE", description = "The state file of the running manager (host.yaml's stateFile; default ${DEFAULT-VALUE}).")
    Path state = HostConfig.DEFAULT_STATE_FILE;

    @Option(names = "--log", paramLabel = "FILE", description = "Read the last decision of this decision log instead of the state file.")
    Path log;

    @Option(names = {"-b", "--batch"}, description = "Batch mode: esxtop's batch CSV (PDH-CSV 4.0) on standard output, one row per delay.")
    boolean batch;

    @Option(names = {"-d", "--delay"}, paramLabel = "SECONDS", description = "Seconds between updates (default ${DEFAULT-VALUE}, esxtop's).")
    double delay = 5;

    @Option(names = {"-n", "--iterations"}, paramLabel = "N", description = "Stop after N updates (default: until interrupted).")
    int iterations;

    @Option(names = {"-o", "--sort"}, paramLabel = "KEY", description = "Sort the rows by M (MEMSZ, the default), B (MCTLSZ), N (GID),"
            + " NAME or any column's field (MCTLSZ, %%RDY, ...).")
    String sort = "M";

    @Option(names = "--once", description = "Print one screen after one second and exit (as -n 1 -d 1).")
    boolean once;

    /** Where /proc is (tests point elsewhere). */
    Path procRoot = Path.of("/proc");

    @Override
    public Integer call() throws Exception {
        if (!(delay >= 0.1 && delay <= 86400)) throw new CommandLine.ParameterException(spec.commandLine(), "-d: got " + delay + ", expected seconds in [0.1, 86400]");
        if (iterations < 0) throw new CommandLine.ParameterException(spec.commandLine(), "-n: got " + iterations + ", expected a count >= 0 (0: until interrupted)");
        String sortKey;
        try {
            sortKey = TopScreen.sortKey(sort);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "-o " + e.getMessage());
        }
        if (once) {
            iterations = 1;
            if (!spec.commandLine().getParseResult().hasMatchedOption("-d")) delay = 1;
        }
        ObjectMapper json = new ObjectMapper();
        PrintStream out = System.out;
        Writer csv = batch ? new OutputStreamWriter(out, StandardCharsets.UTF_8) : null;
        TopBatch table = null;
        TopSample previous = TopSample.take(read(json), procRoot);
        for (int i = 0; iterations == 0 || i < iterations; i++) {
            Thread.sleep((long) (delay * 1000));
            TopSample now = TopSample.take(read(json), procRoot);
            TopRates rates = new TopRates(previous, now);
            if (batch) {
                if (table == null) table = new TopBatch(csv, hostname(), previous);
                table.row(Instant.now(), now, rates);
            } else {
                if (iterations != 1) out.print("\033[H\033[2J");
                out.print(TopScreen.render(now, rates, sortKey, Instant.now()));
                out.flush();
            }
            previous = now;
        }
        return 0;
    }

    /** The manager's latest decision, from the log when given, else the state file; the message says what is missing. */
    private JsonNode read(ObjectMapper json) throws IOException {
        Path from = log != null ? log : state;
        String line;
        try {
            line = log != null ? lastLine(log) : Files.readString(state, StandardCharsets.UTF_8).trim();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(log != null ? "no decision log at " + log + " (start memvisor run with --log " + log + ")"
                    : "no manager state at " + state + ": is memvisor run running? (it writes host.yaml's stateFile, " + HostConfig.DEFAULT_STATE_FILE
                    + " by default; --state FILE or --log FILE read another)");
        }
        if (line == null || line.isEmpty()) throw new IllegalArgumentException(from + " has no decision yet");
        try {
            return json.readTree(line);
        } catch (IOException e) {
            throw new IllegalArgumentException(from + ": the last decision is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static String hostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** The last complete line, read from the end so a long log costs nothing. */
    static String lastLine(Path p) throws IOException {
        if (!Files.exists(p)) throw new NoSuchFileException(p.toString());
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "r")) {
            long len = f.length();
            long start = Math.max(0, len - (1 << 20));
            f.seek(start);
            byte[] buf = new byte[(int) (len - start)];
            f.readFully(buf);
            String s = new String(buf, StandardCharsets.UTF_8);
            String[] lines = s.split("\n");
            for (int i = lines.length - 1; i >= 0; i--) {
                if (lines[i].startsWith("{") && lines[i].endsWith("}")) return lines[i];
            }
            return null;
        }
    }
}
