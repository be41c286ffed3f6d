package dev.memvisor.qemu.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Records a running guest's CPU from both sides: follows the CPU reporter's serial log and, the moment
 * each report completes, samples the QEMU vCPU threads' CPU time, so both sides cover the same intervals.
 */
public final class CpuRecorder {
    /** How often the serial log is polled: small against a reporter interval of a second or more. */
    static final long POLL_MILLIS = 50;

    private final String vm;
    private final FileTail tail;
    private final VcpuSampler sampler;
    private final LongSupplier epochMillis;
    private final Consumer<String> rawLines;
    private final Consumer<HostCpuSample> hostSamples;
    private final CpuReportParser parser;
    private final List<CpuReport> reports = new ArrayList<>();
    private final List<HostCpuSample> samples = new ArrayList<>();

    /**
     * @param vm          the guest's name, for messages
     * @param tail        the reporter's serial log, followed from where measuring starts
     * @param sampler     the QEMU process
     * @param epochMillis the host clock
     * @param rawLines    receives every serial line read (to record it), may ignore them
     * @param hostSamples receives every host sample as it is taken, may ignore them
     */
    public CpuRecorder(String vm, FileTail tail, VcpuSampler sampler, LongSupplier epochMillis,
                       Consumer<String> rawLines, Consumer<HostCpuSample> hostSamples) {
        this.vm = vm;
        this.tail = tail;
        this.sampler = sampler;
        this.epochMillis = epochMillis;
        this.rawLines = rawLines;
        this.hostSamples = hostSamples;
        // Reading may start in the middle of a block: skip to the first MVCPU line.
        this.parser = new CpuReportParser(tail.file().toString(), tail.nextLineNumber(), true);
    }

    /**
     * Records until the guest's reports span {@code durationMillis} plus one reporter interval (so that both
     * series overlap for the whole duration, whatever the delay of the first report).
     *
     * @param reportDeadlineMillis how long to wait for the first report, and for each next one, before giving up
     * @param progress             receives a line now and then
     * @throws CpuReporterMissingException when no report arrives within the deadline
     * @throws QemuGoneException           when QEMU exits meanwhile ({@link #recording()} keeps what was read)
     * @throws CpuReportFormatException    on a malformed serial line
     */
    public CpuRecording record(long durationMillis, long reportDeadlineMillis, Consumer<String> progress) throws InterruptedException {
        long start = epochMillis.getAsLong();
        long lastReportAt = start;
        long progressEvery = Math.max(10_000, Math.min(60_000, durationMillis / 10));
        long nextProgress = start + progressEvery;
        while (true) {
            boolean alive = sampler.alive();
            for (String l : tail.poll()) {
                var block = parser.accept(l);
                // Record from the first whole block on, so the recording parses as a file of its own.
                if (parser.synced()) rawLines.accept(l);
                if (block.isPresent()) {
                    lastReportAt = epochMillis.getAsLong();
                    if (alive) {
                        HostCpuSample s = sampler.sample(lastReportAt, block.get().bootMillis());
                        samples.add(s);
                        hostSamples.accept(s);
                    }
                    reports.add(block.get());
                }
            }
            if (!alive) throw new QemuGoneException(sampler.pid());
            long now = epochMillis.getAsLong();
            if (now - lastReportAt >= reportDeadlineMillis) {
                throw new CpuReporterMissingException(reports.isEmpty()
                        ? "guest " + vm + ": no CPU report (MVCPU line) in " + tail.file() + " within " + reportDeadlineMillis / 1000
                                + " s: start the guest with the kernel parameter memvisor.cpu=SECONDS (GuestSpec.withCpuReport)"
                                + " so its reporter writes to the second serial port"
                        : "guest " + vm + ": CPU reports stopped after " + reports.size() + " (none for " + reportDeadlineMillis / 1000
                                + " s in " + tail.file() + "): the guest hangs or its reporter died");
            }
            if (reports.size() >= 2) {
                long first = reports.get(0).bootMillis(), interval = reports.get(1).bootMillis() - first;
                if (reports.get(reports.size() - 1).bootMillis() - first >= durationMillis + interval) break;
            }
            if (now >= nextProgress) {
                progress.accept(String.format(java.util.Locale.ROOT, "%s: %d s, %d guest reports", vm, (now - start) / 1000, reports.size()));
                nextProgress += progressEvery;
            }
            Thread.sleep(POLL_MILLIS);
        }
        return recording();
    }

    /** What has been recorded so far. */
    public CpuRecording recording() {
        return new CpuRecording(reports, samples);
    }
}
