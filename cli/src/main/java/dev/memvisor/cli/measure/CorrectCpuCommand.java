package dev.memvisor.cli.measure;

import dev.memvisor.measure.cpu.ClockOffsetEstimator;
import dev.memvisor.measure.cpu.CorrectionResult;
import dev.memvisor.measure.cpu.CpuCorrector;
import dev.memvisor.measure.cpu.GuestCpu;
import dev.memvisor.measure.cpu.HostCpuReader;
import dev.memvisor.measure.cpu.PerfmonGuestReader;
import dev.memvisor.measure.pdh.PerfLanguage;
import dev.memvisor.measure.series.IntervalSeries;
import dev.memvisor.measure.simcpu.SimCpuAdapter;
import dev.memvisor.measure.simcpu.SimCpuCsvReader;
import dev.memvisor.measure.simcpu.SimVmCpu;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code memvisor correct-cpu}: corrects a guest's per-process CPU with the host's measurement of the VM
 * (w = host CPU / guest total per window; corrected = w x reported).
 */
@Command(name = "correct-cpu", mixinStandardHelpOptions = true,
        description = {"Correct a guest's own CPU figures (perfmon %% Processor Time) with the host's measurement of the VM.",
                "Per window: w = host CPU of the VM / guest total CPU; corrected process CPU = w x reported. Percentages are of one processor.",
                "The host file is an esxtop batch CSV, a plain CSV (time,VM...) or a simulator cpu.csv; the guest file a perfmon/typeperf/relog"
                        + " PDH-CSV or a simulator cpu.csv."})
public final class CorrectCpuCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--host", required = true, paramLabel = "HOSTFILE", description = "host-side CPU of the VM: esxtop -b CSV, plain CSV or simulator cpu.csv")
    Path hostFile;

    @Option(names = "--guest", required = true, paramLabel = "GUESTFILE", description = "guest-side counters: perfmon PDH-CSV or simulator cpu.csv")
    Path guestFile;

    @Option(names = "--vm", required = true, paramLabel = "NAME", description = "the VM's display name (esxtop group name, CSV column, simulator VM)")
    String vm;

    @Option(names = "--vcpus", paramLabel = "N", description = "the guest's processors (default: counted from Processor(N) columns)")
    Integer vcpus;

    @Option(names = "--window", paramLabel = "DURATION", defaultValue = "5m", converter = DurationConverter.class,
            description = "correction window (default ${DEFAULT-VALUE}; under 5 minutes the guest's tick sampling is too coarse)")
    long windowMillis;

    @Option(names = "--clock-offset", paramLabel = "SECONDS|auto",
            description = "guest clock + offset = host clock, after time zones are applied; 'auto' estimates it by cross-correlation"
                    + " (default 0; required, or --timezone, when the guest file's header has no time-zone bias)")
    String clockOffset;

    @Option(names = "--timezone", paramLabel = "ZONE", converter = ZoneConverter.class,
            description = "time zone of the guest export's local times (e.g. Europe/Moscow, +03:00); overrides its header")
    ZoneId timezone;

    @Option(names = "--encoding", paramLabel = "CHARSET", converter = EncodingConverter.class,
            description = "encoding of the guest export (default: detected; UTF-8, UTF-16LE, cp1252, cp1251, cp932, cp936...)")
    Charset encoding;

    @Option(names = "--guest-total", paramLabel = "COUNTER", defaultValue = PerfmonGuestReader.TOTAL,
            description = "the guest's total CPU column, for a language memvisor's table lacks (default '${DEFAULT-VALUE}', in any language it knows)")
    String guestTotal;

    @Option(names = "--guest-process", paramLabel = "COUNTER", defaultValue = PerfmonGuestReader.PROCESSES,
            description = "the guest's per-process CPU columns (default '${DEFAULT-VALUE}')")
    String guestProcess;

    @Option(names = "--max-offset", paramLabel = "DURATION", defaultValue = "10m", converter = DurationConverter.class,
            description = "largest offset 'auto' tries, either way (default ${DEFAULT-VALUE})")
    long maxOffsetMillis;

    @Option(names = "--host-counter", paramLabel = "COUNTER", defaultValue = "% Used",
            description = "esxtop Group Cpu counter for the VM's CPU (default '%% Used')")
    String hostCounter;

    @ArgGroup(exclusive = true)
    CorrectionFormat format = new CorrectionFormat();

    @Override
    public Integer call() throws Exception {
        for (Path p : new Path[] {hostFile, guestFile}) {
            if (!Files.isRegularFile(p)) throw new NoSuchFileException(p + ": no such file");
        }
        if (vcpus != null && vcpus < 1) throw new ParameterException(spec.commandLine(), "--vcpus must be at least 1, got " + vcpus);
        if (windowMillis <= 0) throw new ParameterException(spec.commandLine(), "--window must be positive");
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);

        IntervalSeries host;
        if (SimCpuCsvReader.looksLikeSimCpuCsv(hostFile)) host = SimCpuAdapter.host(simVm(hostFile));
        else host = HostCpuReader.read(hostFile, vm, hostCounter);
        GuestCpu guest;
        boolean guestLocal = false;
        if (SimCpuCsvReader.looksLikeSimCpuCsv(guestFile)) {
            guest = SimCpuAdapter.guest(simVm(guestFile));
        } else {
            PerfmonGuestReader.Export e = PerfmonGuestReader.read(guestFile,
                    new PerfmonGuestReader.Options(encoding, timezone, guestTotal, guestProcess));
            guest = e.cpu();
            guestLocal = describeGuest(e, err);
        }

        int n = vcpus != null ? vcpus : guest.vcpus();
        if (n < 1) {
            throw new ParameterException(spec.commandLine(), guestFile + " has no Processor(N) columns to count the guest's processors: give --vcpus N");
        }
        if (vcpus != null && guest.vcpus() > 0 && guest.vcpus() != vcpus) {
            err.printf("warning: --vcpus %d but %s shows %d processors; using %d%n", vcpus, guestFile, guest.vcpus(), vcpus);
        }
        long offset;
        boolean estimated = clockOffset != null && clockOffset.trim().equalsIgnoreCase("auto");
        if (guestLocal && clockOffset == null) {
            throw new ParameterException(spec.commandLine(), guestFile + ": the header's time-zone field has no bias, so its local times cannot be"
                    + " put in UTC: give --timezone ZONE (e.g. Europe/Moscow), --clock-offset SECONDS (guest local time + offset = host UTC)"
                    + " or --clock-offset auto");
        }
        if (estimated) {
            long step = Math.max(1000, Math.min(host.medianIntervalMillis(), guest.totalPct().medianIntervalMillis()) / 4);
            ClockOffsetEstimator.Estimate e;
            if (guestLocal) {
                // Local times of an unknown zone: first the zone (offsets of up to 14 h), then the skew around it.
                // Only offsets where the series overlap by at least half of what they could: edges correlate by chance.
                long[] gt = guest.totalPct().times();
                long hostInterval = Math.max(1, host.medianIntervalMillis());
                int possible = (int) Math.min(host.size(), gt.length < 2 ? 0 : (gt[gt.length - 1] - gt[0]) / hostInterval);
                ClockOffsetEstimator.Estimate coarse = ClockOffsetEstimator.estimate(host, guest.totalPct(), MAX_ZONE_MILLIS, Math.max(step, 30_000),
                        Math.max(3, possible / 2));
                if (Double.isNaN(coarse.correlation())) throw noOverlap(MAX_ZONE_MILLIS);
                ClockOffsetEstimator.Estimate fine = ClockOffsetEstimator.estimate(host, guest.totalPct().shifted(coarse.offsetMillis()),
                        Math.max(step, 30_000) * 2, step);
                e = new ClockOffsetEstimator.Estimate(coarse.offsetMillis() + fine.offsetMillis(), fine.correlation());
            } else {
                e = ClockOffsetEstimator.estimate(host, guest.totalPct(), maxOffsetMillis, step);
            }
            if (Double.isNaN(e.correlation())) throw noOverlap(maxOffsetMillis);
            offset = e.offsetMillis();
            err.printf(Locale.ROOT, "estimated clock offset %.1f s (correlation %.3f)%s%n", offset / 1000.0, e.correlation(),
                    guestLocal ? ": " + guestFile + "'s local times put on the host clock by it (--clock-offset auto)" : "");
            if (e.correlation() < 0.5) err.println("warning: weak correlation: the CPU may vary too little to align the clocks; check the offset");
        } else {
            try {
                offset = clockOffset == null ? 0 : Math.round(Double.parseDouble(clockOffset.trim()) * 1000);
            } catch (NumberFormatException ex) {
                throw new ParameterException(spec.commandLine(), "--clock-offset: expected seconds or 'auto', got '" + clockOffset + "'");
            }
            if (guestLocal) {
                err.printf(Locale.ROOT, "%s: local times put on the host clock by --clock-offset %s s%n", guestFile, clockOffset.trim());
            }
        }
        long hostInterval = host.medianIntervalMillis();
        if (hostInterval > 0 && windowMillis < 3 * hostInterval) {
            err.printf("warning: windows of %d s hold fewer than 3 host intervals of %d s%n", windowMillis / 1000, hostInterval / 1000);
        }
        CorrectionResult r = CpuCorrector.correct(vm, host, guest, n, offset, estimated, windowMillis);
        r.warnings().forEach(w -> err.println("warning: " + w));
        if (guest.processes().isEmpty()) err.println("warning: " + guestFile + " has no Process(*)\\% Processor Time columns: only the totals are corrected");

        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        format.print(r, out);
        return r.windows().isEmpty() ? 1 : 0;
    }

    /** Time zones reach 14 hours from UTC (UTC+14, Line Islands; UTC-12). */
    static final long MAX_ZONE_MILLIS = 14 * 3_600_000L;

    private IllegalStateException noOverlap(long maxMillis) {
        return new IllegalStateException("cannot estimate the clock offset: the host and guest series do not overlap within +-"
                + maxMillis / 1000 + " s; give --clock-offset SECONDS");
    }

    /**
     * Tells on stderr how the guest export was read where that is not the plain case (names in another language,
     * a zone given, a header without a bias); true if its times are local times of an unknown zone.
     */
    private boolean describeGuest(PerfmonGuestReader.Export e, PrintWriter err) {
        if (!e.languages().isEmpty() && !e.languages().contains(PerfLanguage.ENGLISH)) {
            err.printf("%s: counter names in %s, read as %s%n", guestFile,
                    e.languages().stream().map(PerfLanguage::displayName).collect(Collectors.joining(" or ")), e.charset().name());
        }
        switch (e.timeSource()) {
            case ZONE:
                err.printf("%s: local times read in time zone %s (--timezone; the header's first field is '%s')%n", guestFile, timezone, e.header());
                return false;
            case LOCAL:
                err.printf("%s: the header's time-zone field has no bias ('%s')%n", guestFile, e.header());
                return true;
            default:
                return false;
        }
    }

    private SimVmCpu simVm(Path file) {
        Map<String, SimVmCpu> vms = SimCpuCsvReader.read(file);
        SimVmCpu v = vms.get(vm);
        if (v == null) throw new IllegalArgumentException(file + ": no VM named '" + vm + "'; VMs in this file: " + String.join(", ", vms.keySet()));
        return v;
    }
}
