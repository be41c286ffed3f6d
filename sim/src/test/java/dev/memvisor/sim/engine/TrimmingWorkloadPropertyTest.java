package dev.memvisor.sim.engine;

import dev.memvisor.sim.memory.StorageDevice;
import dev.memvisor.sim.report.SimResult;
import dev.memvisor.sim.scenario.ScenarioLoader;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application that trims on the guest's low-memory notification (workload.trimOnLowMemory, as SQL Server and the
 * seed's .NET benchmark do), on one VM with no host pressure, its guest given less memory than its working set or
 * enough for all of it: a trim takes its resident pages, not its data, so
 * <ul>
 *   <li>less memory, trimmed harder, never makes it faster (slowdown never falls as memory shrinks, within the noise of
 *       sampled references);</li>
 *   <li>with less memory than its working set the trimmed data it references again are read back: from the guest's
 *       swap (anonymous pages) or its files (file-backed); with room for all of it nothing is trimmed or read.</li>
 * </ul>
 */
class TrimmingWorkloadPropertyTest {
    private record Run(double slowdown, long reads, long guestSwapOuts) {}

    private static Run run(int memoryMb, double skew, double writeFraction, boolean fileBacked) {
        // FileBackedWorkloadPropertyTest's VM: 8 MB of guest OS and a 32 MB working set, here trimming
        var s = ScenarioLoader.parse(FileBackedWorkloadPropertyTest.SCENARIO, "t.yaml", Path.of("."), List.of("vms[0].memory=" + memoryMb + "M",
                "vms[0].workload.skew=" + skew, "vms[0].workload.writeFraction=" + writeFraction,
                "vms[0].workload.fileBacked=" + fileBacked, "vms[0].workload.trimOnLowMemory=true"));
        Simulation sim = new Simulation(s, 1);
        SimResult.VmRecord v = sim.run(null).vm("v");
        long diskReads = 0;
        for (StorageDevice d : sim.host().devices()) diskReads += d.requests();
        // a file-backed application's trimmed pages are read from its files, an anonymous one's from the guest's swap
        return new Run(v.slowdown, fileBacked ? diskReads : v.guestSwapIns, v.guestSwapOuts);
    }

    /** The probability that a Zipf({@code skew}) reference over {@code n} pages falls outside the hottest {@code m}. */
    private static double zipfTail(int n, int m, double skew) {
        double all = 0, tail = 0;
        for (int k = 1; k <= n; k++) {
            double p = Math.pow(k, -skew);
            all += p;
            if (k > m) tail += p;
        }
        return tail / all;
    }

    @Property(tries = 8)
    void lessMemoryTrimmedHarderIsNeverFaster(@ForAll @DoubleRange(min = 0, max = 1.2) double skew,
                                             @ForAll @DoubleRange(min = 0, max = 0.6) double writeFraction,
                                             @ForAll boolean fileBacked) {
        // a 32 MB working set in 28 MB of guest (less than it), then 36 and 44 MB (the guest OS's 8 MB are page cache the
        // guest evicts first), then room for all of it and more than the low-memory level (4 % of the guest) to spare
        int[] memory = {28, 36, 44, 56};
        Run[] runs = new Run[memory.length];
        StringBuilder seen = new StringBuilder(String.format(Locale.ROOT, "skew %.2f, writes %.2f, %s: ", skew, writeFraction,
                fileBacked ? "file-backed" : "anonymous"));
        for (int i = 0; i < memory.length; i++) {
            runs[i] = run(memory[i], skew, writeFraction, fileBacked);
            seen.append(String.format(Locale.ROOT, "%d MB %.3fx (%d reads); ", memory[i], runs[i].slowdown(), runs[i].reads()));
        }
        for (int i = 1; i < memory.length; i++) {
            assertThat(runs[i - 1].slowdown()).as(seen.toString()).isGreaterThanOrEqualTo(runs[i].slowdown() / 1.02);
        }
        assertThat(runs[0].reads()).as(seen + "trimmed data referenced again are read").isPositive();
        assertThat(runs[0].slowdown()).as(seen.toString()).isGreaterThan(runs[memory.length - 1].slowdown());
        // in 28 MB at most 7,168 of its 8,192 pages are resident, so, whatever it trims, at least the Zipf mass of its
        // 1,024 coldest pages misses (the best any replacement does under independent references), each miss a read of
        // at least the disk's 5 ms: one request for up to 8 pages of the guest's swap readahead, or, file-backed, a read
        // (its writes need none). With trimmed data that vanished (as once) it ran at 1.02x here.
        double missed = zipfTail(8192, 7168, skew) * 0.9; // less the first touches, which miss nothing
        double perMissNs = fileBacked ? Math.max(0, 0.95 - writeFraction) * 5e6 : 5e6 / 8;
        assertThat(runs[0].slowdown()).as(seen + "the misses' reads").isGreaterThanOrEqualTo(1 + missed * perMissNs / (1e9 / 20000));
        Run roomy = runs[memory.length - 1];
        assertThat(roomy.reads()).as(seen.toString()).isZero();
        assertThat(roomy.guestSwapOuts()).as(seen.toString()).isZero();
    }
}
