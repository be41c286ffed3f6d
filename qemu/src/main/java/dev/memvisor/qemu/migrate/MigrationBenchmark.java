package dev.memvisor.qemu.migrate;

import dev.memvisor.qemu.image.GuestImage;
import dev.memvisor.qemu.image.GuestImageBuilder;
import dev.memvisor.qemu.launch.Guest;
import dev.memvisor.qemu.launch.GuestSpec;
import dev.memvisor.qemu.qmp.QmpClient;
import dev.memvisor.qemu.scan.MemorySource;
import dev.memvisor.qemu.scan.PageScanner;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The migration benchmark behind scripts/bench-migration.sh: plain, free-page-hint and
 * balloon-first migration of (a) a guest that wrote then freed most of its memory and (b) a guest
 * with a busy working set, over loopback, side by side in one run (medians of several runs); then
 * the scan rate of {@link PageScanner} against sha256sum over the same dump. Prints Markdown.
 * Usage: {@code MigrationBenchmark IMAGE_DIR RUN_DIR [RUNS] [MEMORY_MIB]}.
 */
public final class MigrationBenchmark {
    private static final long MIB = 1L << 20;
    private static final Duration BOOT = Duration.ofSeconds(300);

    private MigrationBenchmark() {}

    /** One migration's figures, or why it failed. */
    private record Run(long bytes, long totalMs, long downtimeMs, long iterations, long zeroPages, long balloonMs, String failure) {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: MigrationBenchmark IMAGE_DIR RUN_DIR [RUNS] [MEMORY_MIB]");
            System.exit(2);
        }
        GuestImage image = GuestImageBuilder.defaults().buildIfNeeded(Path.of(args[0]));
        Path runDir = Path.of(args[1]);
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        long mem = (args.length > 3 ? Long.parseLong(args[3]) : 512) * MIB;
        MigrationPeerLauncher peers = new MigrationPeerLauncher(image, runDir, l -> System.err.println("  " + l));

        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Guests of %d MiB, 1 vCPU, %s, loopback TCP, QEMU's default bandwidth cap; median of %d runs"
                + " (failed runs listed separately). free-page-reporting off in every guest, so freed pages stay non-zero.%n%n", mem / MIB,
                peers.accelerator(), runs));
        md.append("| scenario | strategy | transferred | vs plain | total time | balloon before | downtime | iterations | zero pages | failures |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        long freeBytes = mem * 3 / 4;
        long ws = mem / 4;
        for (String scenario : List.of("a: wrote then freed " + freeBytes / MIB + " MiB", "b: busy " + ws / MIB + " MiB working set, 5000 pages/s")) {
            boolean a = scenario.startsWith("a");
            double plainBytes = 0;
            for (MigrationStrategy st : List.of(MigrationStrategy.PLAIN, MigrationStrategy.FREE_PAGE_HINT, MigrationStrategy.BALLOON_FIRST)) {
                List<Run> ok = new ArrayList<>();
                List<String> failures = new ArrayList<>();
                for (int i = 0; i < runs; i++) {
                    System.err.println("[" + scenario + "] " + st.cliName() + " run " + (i + 1) + "/" + runs);
                    GuestSpec spec = GuestSpec.idle("bench-src", mem);
                    spec = a ? spec : spec.withWorkload(ws, 5000, "unique");
                    PeerOptions opts = new PeerOptions(st == MigrationStrategy.FREE_PAGE_HINT, false, a ? freeBytes : 0);
                    Run r = once(peers, spec, opts, st, !a);
                    if (r.failure() == null) ok.add(r);
                    else failures.add(r.failure());
                }
                if (ok.isEmpty()) {
                    md.append(String.format(Locale.ROOT, "| %s | %s | - | - | - | - | - | - | - | %d/%d: %s |%n", scenario, st.cliName(), failures.size(), runs, String.join("; ", failures)));
                    continue;
                }
                long bytes = median(ok.stream().mapToLong(Run::bytes).toArray());
                if (st == MigrationStrategy.PLAIN) plainBytes = bytes;
                md.append(String.format(Locale.ROOT, "| %s | %s | %.1f MiB | %s | %d ms | %d ms | %d ms | %d | %d | %s |%n", scenario, st.cliName(),
                        bytes / (double) MIB, plainBytes > 0 ? String.format(Locale.ROOT, "%.2fx", bytes / plainBytes) : "-",
                        median(ok.stream().mapToLong(Run::totalMs).toArray()), median(ok.stream().mapToLong(Run::balloonMs).toArray()), median(ok.stream().mapToLong(Run::downtimeMs).toArray()),
                        median(ok.stream().mapToLong(Run::iterations).toArray()), median(ok.stream().mapToLong(Run::zeroPages).toArray()),
                        failures.isEmpty() ? "0/" + runs : failures.size() + "/" + runs + ": " + String.join("; ", failures)));
            }
        }
        md.append('\n').append(scanBench(peers, runDir, mem, runs));
        System.out.print(md);
    }

    /** Boots a source, migrates it to a fresh destination, checks the destination still runs 5 s later, stops both. */
    private static Run once(MigrationPeerLauncher peers, GuestSpec spec, PeerOptions opts, MigrationStrategy st, boolean busy) throws Exception {
        try (Guest src = peers.startSource(spec, opts, BOOT)) {
            if (busy) MigrationPeerLauncher.awaitConsole(src, "mvload: t=", BOOT);
            try (Guest dst = peers.startDestination(Path.of("/proc"), src.pid(), "bench-dst", Duration.ofSeconds(30));
                 QmpClient sq = src.qmp(); QmpClient dq = dst.qmp()) {
                MigrationResult r;
                try {
                    r = new LiveMigration(l -> System.err.println("  " + l)).verifyDestination(false).timeout(Duration.ofMinutes(5))
                            .migrate(spec.name(), sq, Optional.of(dq), "tcp:127.0.0.1:" + freePort(), st);
                } catch (MigrationException e) {
                    if (e.completed().isPresent()) {
                        MigrationResult c = e.completed().get();
                        return new Run(c.transferredBytes(), c.totalTimeMillis(), c.downtimeMillis(), c.iterations(), c.zeroPages(), c.balloonMillis(),
                                "completed (" + c.transferredBytes() / MIB + " MiB, downtime " + c.downtimeMillis() + " ms) but the guest crashed on the destination");
                    }
                    return new Run(0, 0, 0, 0, 0, 0, e.getMessage());
                }
                for (int i = 0; i < 20; i++) {
                    Thread.sleep(250);
                    if (!dst.alive()) {
                        return new Run(r.transferredBytes(), r.totalTimeMillis(), r.downtimeMillis(), r.iterations(), r.zeroPages(), r.balloonMillis(),
                                "completed (" + r.transferredBytes() / MIB + " MiB) but the guest crashed on the destination");
                    }
                }
                System.err.printf(Locale.ROOT, "  -> %d MiB, %d ms, downtime %d ms, %d rounds%n", r.transferredBytes() / MIB,
                        r.totalTimeMillis(), r.downtimeMillis(), r.iterations());
                return new Run(r.transferredBytes(), r.totalTimeMillis(), r.downtimeMillis(), r.iterations(), r.zeroPages(), r.balloonMillis(), null);
            }
        }
    }

    /** Dumps a busy guest's RAM, then times the page scanner and sha256sum over the dump, and the scanner over /proc/PID/mem. */
    private static String scanBench(MigrationPeerLauncher peers, Path runDir, long mem, int runs) throws Exception {
        GuestSpec spec = GuestSpec.idle("bench-scan", mem).withWorkload(mem / 2, 0, "unique");
        Path dump = runDir.resolve("bench-scan.dump");
        long[] scanNs = new long[runs], shaNs = new long[runs], procNs = new long[runs];
        long bytes, fileSize;
        try (Guest g = peers.startSource(spec, PeerOptions.plain(), BOOT)) {
            MigrationPeerLauncher.awaitConsole(g, "mvload: filled", BOOT);
            try (QmpClient q = g.qmp()) {
                q.execute("dump-guest-memory", Map.of("paging", false, "protocol", "file:" + dump), Duration.ofMinutes(5));
                for (int i = 0; i < runs; i++) {
                    try (MemorySource src = MemorySource.ofProcess(Path.of("/proc"), g.pid(), mem, "proc")) {
                        procNs[i] = new PageScanner(mem / 4096).scan(src, null).nanos();
                    }
                }
            }
        }
        try {
            try (MemorySource src = MemorySource.ofFile(dump)) {
                bytes = src.sizeBytes();
            }
            fileSize = Files.size(dump);
            Files.readAllBytes(dump); // warm the page cache for both
            for (int i = 0; i < runs; i++) {
                try (MemorySource src = MemorySource.ofFile(dump)) {
                    scanNs[i] = new PageScanner(mem / 4096).scan(src, null).nanos();
                }
                long t0 = System.nanoTime();
                Process p = new ProcessBuilder("sha256sum", dump.toString()).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor() != 0) throw new IllegalStateException("sha256sum failed");
                shaNs[i] = System.nanoTime() - t0;
            }
        } finally {
            Files.deleteIfExists(dump);
        }
        return String.format(Locale.ROOT, "Scan rate over a %d MiB guest's RAM (half of it written with unique data), one thread, median of %d:%n%n"
                        + "| what | time | rate |%n|---|---:|---:|%n"
                        + "| memvisor scan of the dump file (ELF, page cache warm) | %d ms | %.2f GB/s |%n"
                        + "| sha256sum of the same dump file | %d ms | %.2f GB/s |%n"
                        + "| memvisor scan of the running guest (/proc/PID/mem) | %d ms | %.2f GB/s |%n",
                mem / MIB, runs, median(scanNs) / 1_000_000, rate(bytes, median(scanNs)), median(shaNs) / 1_000_000,
                rate(fileSize, median(shaNs)), median(procNs) / 1_000_000, rate(mem, median(procNs)));
    }

    private static double rate(long bytes, long nanos) {
        return bytes / (double) nanos;
    }

    private static long median(long[] v) {
        long[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
