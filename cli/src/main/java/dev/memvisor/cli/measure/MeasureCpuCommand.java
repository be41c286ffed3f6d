package dev.memvisor.cli.measure;

import dev.memvisor.measure.cpu.CorrectionResult;
import dev.memvisor.measure.cpu.CpuCorrector;
import dev.memvisor.qemu.cpu.CpuRecorder;
import dev.memvisor.qemu.cpu.CpuRecording;
import dev.memvisor.qemu.cpu.CpuReportParser;
import dev.memvisor.qemu.cpu.FileTail;
import dev.memvisor.qemu.cpu.HostCpuLog;
import dev.memvisor.qemu.cpu.QemuGoneException;
import dev.memvisor.qemu.cpu.VcpuSampler;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code memvisor measure cpu}: records a running guest's own CPU accounting (its reporter on the second
 * serial port) and its vCPU threads' CPU time on the host, then applies the same correction as
 * {@code correct-cpu} (w = host / guest per window; corrected = w x reported). Offline, it re-runs the
 * correction on a recording ({@code --guest-log}, {@code --host-log}).
 */
@Command(name = "cpu", mixinStandardHelpOptions = true,
        description = {"Correct a running guest's own CPU figures with its vCPU threads' CPU time on the host.",
                "The guest must run memvisor's image with the CPU reporter (kernel parameter memvisor.cpu=SECONDS), started by memvisor's launcher.",
                "Per window: w = host CPU of the VM / guest total CPU; corrected process CPU = w x reported; percentages of one processor."})
public final class MeasureCpuCommand implements Callable<Integer> {
    /** File names a recording is written under (--record DIR). */
    static final String GUEST_LOG = "guest-cpu.log", HOST_LOG = "host-cpu.csv";

    @Spec
    CommandSpec spec;

    @Option(names = "--vm", required = true, paramLabel = "NAME",
            description = "The guest: its directory under --run-dir or the path of its QMP socket (offline: just its name).")
    String vm;

    @Option(names = "--run-dir", defaultValue = "${env:MEMVISOR_RUN_DIR:-/tmp/memvisor/run}", paramLabel = "DIR",
            description = "Directory with one directory per guest (qmp.sock, cpu.log); default ${DEFAULT-VALUE}.")
    Path runDir;

    @Option(names = "--duration", defaultValue = "10m", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "How long to measure (default ${DEFAULT-VALUE}).")
    long durationMillis;

    @Option(names = "--window", defaultValue = "5m", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Correction window (default ${DEFAULT-VALUE}; under 5 minutes the guest's tick sampling is too coarse).")
    long windowMillis;

    @Option(names = "--vcpus", paramLabel = "N", description = "The guest's processors (default: QEMU's vCPU threads, else as the guest counts them).")
    Integer vcpus;

    @Option(names = "--report-timeout", defaultValue = "30s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "How long to wait for a guest report before giving up (default ${DEFAULT-VALUE}).")
    long reportTimeoutMillis;

    @Option(names = "--record", paramLabel = "DIR", description = "Also write the recording to DIR/" + GUEST_LOG + " and DIR/" + HOST_LOG + " (for --guest-log/--host-log).")
    Path recordDir;

    @Option(names = "--guest-log", paramLabel = "FILE", description = "Offline: the guest reporter's lines (a recorded " + GUEST_LOG + " or a guest's cpu.log).")
    Path guestLog;

    @Option(names = "--host-log", paramLabel = "FILE", description = "Offline: the host samples recorded with it (" + HostCpuLog.HEADER + ").")
    Path hostLog;

    @Option(names = "--proc", defaultValue = "/proc", hidden = true, description = "procfs root (tests).")
    Path procRoot;

    @ArgGroup(exclusive = true)
    CorrectionFormat format = new CorrectionFormat();

    @Override
    public Integer call() throws Exception {
        if (windowMillis <= 0) throw new ParameterException(spec.commandLine(), "--window must be positive");
        if (reportTimeoutMillis <= 0) throw new ParameterException(spec.commandLine(), "--report-timeout must be positive");
        if (vcpus != null && vcpus < 1) throw new ParameterException(spec.commandLine(), "--vcpus must be at least 1, got " + vcpus);
        if ((guestLog == null) != (hostLog == null)) throw new ParameterException(spec.commandLine(), "--guest-log and --host-log go together");
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);

        CpuRecording rec;
        if (guestLog != null) {
            for (Path p : new Path[] {guestLog, hostLog}) {
                if (!Files.isRegularFile(p)) throw new NoSuchFileException(p + ": no such file");
            }
            rec = new CpuRecording(CpuReportParser.parse(guestLog), HostCpuLog.read(hostLog));
        } else {
            if (durationMillis < windowMillis) {
                throw new ParameterException(spec.commandLine(), "--duration " + durationMillis / 1000 + " s is shorter than one --window of " + windowMillis / 1000 + " s");
            }
            rec = record(err);
        }
        if (rec.host().size() >= 2 && rec.vcpuThreads() == 0) {
            throw new IllegalStateException("guest " + vm + ": no vCPU threads found in the QEMU process (neither from QMP query-cpus-fast"
                    + " nor by the names 'CPU n/KVM|TCG', which need -name NAME,debug-threads=on): the host side is unknown");
        }
        if (rec.guest().size() < 2 || rec.host().size() < 2) {
            throw new IllegalStateException("guest " + vm + ": too little data to correct (" + rec.guest().size() + " guest reports, "
                    + rec.host().size() + " host samples; at least 2 of each)");
        }
        MeasureCpuSeries series = MeasureCpuSeries.of(rec);
        int n = vcpus != null ? vcpus : rec.vcpuThreads() > 0 ? rec.vcpuThreads() : series.processors();
        if (series.processors() > 0 && series.processors() != n) {
            err.printf("warning: the guest counts %d processors, the correction uses %d%n", series.processors(), n);
        }
        err.printf(Locale.ROOT, "guest %s: %d reports, %d host samples; guest boot at %s on the host clock%n",
                vm, rec.guest().size(), rec.host().size(), Instant.ofEpochMilli(rec.bootOffsetMillis()));
        if (series.idleProcesses() > 0) err.printf("%d guest processes used no CPU and are left out%n", series.idleProcesses());

        // Guest times are already on the host clock (MeasureCpuSeries), so the offset is 0.
        CorrectionResult r = CpuCorrector.correct(vm, series.host(), series.guest(), n, 0, false, windowMillis);
        r.warnings().forEach(w -> err.println("warning: " + w));
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        format.print(r, out);
        return r.windows().isEmpty() ? 1 : 0;
    }

    private CpuRecording record(PrintWriter err) throws Exception {
        MeasureCpuTarget t = MeasureCpuTarget.find(vm, runDir, procRoot);
        err.printf("measuring guest %s (QEMU pid %d, %s) for %d s, windows of %d s; reports from %s%n", t.name(), t.pid(),
                dev.memvisor.qemu.launch.QemuProcessFinder.acceleratorOf(procRoot, t.pid()), durationMillis / 1000, windowMillis / 1000, t.cpuLog());
        long[] tids = VcpuSampler.vcpuThreadIds(t.socket(), java.time.Duration.ofSeconds(3));
        if (tids.length == 0) err.println("warning: QMP query-cpus-fast gave no vCPU thread ids (is another client on " + t.socket()
                + "?): finding vCPU threads by name, which needs -name NAME,debug-threads=on");
        VcpuSampler sampler = new VcpuSampler(procRoot, t.pid(), tids);
        if (tids.length == 0 && sampler.sample(System.currentTimeMillis(), 0).vcpuThreads() == 0) {
            throw new IllegalStateException("guest " + t.name() + ": cannot find the vCPU threads of QEMU (pid " + t.pid() + "): QMP query-cpus-fast"
                    + " did not answer on " + t.socket() + " and no thread is named 'CPU n/KVM|TCG' (that needs -name NAME,debug-threads=on)");
        }
        BufferedWriter guestOut = null, hostOut = null;
        if (recordDir != null) {
            Files.createDirectories(recordDir);
            guestOut = Files.newBufferedWriter(recordDir.resolve(GUEST_LOG), StandardCharsets.ISO_8859_1);
            hostOut = Files.newBufferedWriter(recordDir.resolve(HOST_LOG), StandardCharsets.UTF_8);
            hostOut.write(HostCpuLog.HEADER + "\n");
        }
        BufferedWriter g = guestOut, h = hostOut;
        CpuRecorder recorder = new CpuRecorder(t.name(), FileTail.fromEnd(t.cpuLog()), sampler, System::currentTimeMillis,
                line -> write(g, line + "\n"), s -> write(h, HostCpuLog.row(s) + "\n"));
        try {
            return recorder.record(durationMillis, reportTimeoutMillis, err::println);
        } catch (QemuGoneException e) {
            throw new IllegalStateException("guest " + t.name() + ": " + e.getMessage() + " after " + recorder.recording().guest().size()
                    + " reports; nothing to correct" + (recordDir != null ? " (what was read is in " + recordDir + ")" : ""));
        } finally {
            if (g != null) g.close();
            if (h != null) h.close();
        }
    }

    private static void write(BufferedWriter w, String s) {
        if (w == null) return;
        try {
            w.write(s);
            w.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the recording: " + e.getMessage(), e);
        }
    }
}
