package dev.memvisor.cli.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code memvisor top}: a live esxtop-like table of the managed guests, read from the manager's decision log. */
@Command(name = "top", mixinStandardHelpOptions = true,
        description = "Show a live esxtop-like table of the managed guests, from the decision log of memvisor run.")
public final class TopCommand implements Callable<Integer> {
    @Option(names = "--log", required = true, description = "The decision log memvisor run writes (JSON lines).")
    Path log;

    @Option(names = "--once", description = "Print the latest decision once and exit.")
    boolean once;

    @Option(names = "--refresh", description = "Seconds between refreshes (default: ${DEFAULT-VALUE}).")
    double refresh = 2;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(log)) throw new IllegalArgumentException("no decision log at " + log + " (start memvisor run with --log " + log + ")");
        ObjectMapper json = new ObjectMapper();
        while (true) {
            String line = lastLine(log);
            if (once) {
                if (line == null) throw new IllegalArgumentException(log + " has no decisions yet");
                System.out.print(TopTable.render(parse(json, line)));
                return 0;
            }
            System.out.print("\033[H\033[2J");
            System.out.print(line == null ? "waiting for the first decision in " + log + "\n" : TopTable.render(parse(json, line)));
            System.out.flush();
            Thread.sleep((long) (refresh * 1000));
        }
    }

    private JsonNode parse(ObjectMapper json, String line) {
        try {
            return json.readTree(line);
        } catch (IOException e) {
            throw new IllegalArgumentException(log + ": the last line is not a decision (JSON): " + e.getMessage());
        }
    }

    /** The last complete line, read from the end so a long log costs nothing. */
    static String lastLine(Path p) throws IOException {
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
