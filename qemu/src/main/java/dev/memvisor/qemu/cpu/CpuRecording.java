package dev.memvisor.qemu.cpu;

import java.util.ArrayList;
import java.util.List;

/**
 * Both sides of a guest CPU measurement: the guest's reports and the host samples taken as each report
 * arrived. Guest report times are guest boot times; {@link #bootOffsetMillis()} maps them onto the host clock.
 *
 * @param guest the guest's reports, in order
 * @param host  the host samples, in order
 */
public record CpuRecording(List<CpuReport> guest, List<HostCpuSample> host) {
    /** Copies the lists. */
    public CpuRecording {
        guest = List.copyOf(guest);
        host = List.copyOf(host);
    }

    /**
     * Guest boot time + this = host epoch time: the smallest (arrival - boot time) over the host samples,
     * i.e. the report that reached the host with the least delay (serial port and polling add only delay).
     *
     * @throws IllegalStateException without host samples
     */
    public long bootOffsetMillis() {
        if (host.isEmpty()) throw new IllegalStateException("no host samples to tie the guest's clock to the host's");
        long best = Long.MAX_VALUE;
        for (HostCpuSample s : host) best = Math.min(best, s.epochMillis() - s.guestBootMillis());
        return best;
    }

    /** The guest's intervals between consecutive reports. */
    public List<GuestCpuInterval> guestIntervals() {
        List<GuestCpuInterval> out = new ArrayList<>();
        for (int i = 1; i < guest.size(); i++) out.add(GuestCpuInterval.between(guest.get(i - 1), guest.get(i)));
        return out;
    }

    /** End times (host epoch ms) of the host intervals between consecutive samples. */
    public long[] hostEnds() {
        long[] t = new long[Math.max(0, host.size() - 1)];
        for (int i = 1; i < host.size(); i++) t[i - 1] = host.get(i).epochMillis();
        return t;
    }

    /** The vCPU threads' CPU in each host interval, % of one processor. */
    public double[] hostPct() {
        double[] v = new double[Math.max(0, host.size() - 1)];
        for (int i = 1; i < host.size(); i++) v[i - 1] = host.get(i).pctSince(host.get(i - 1));
        return v;
    }

    /** The most vCPU threads seen on the host (0 without samples). */
    public int vcpuThreads() {
        return host.stream().mapToInt(HostCpuSample::vcpuThreads).max().orElse(0);
    }
}
