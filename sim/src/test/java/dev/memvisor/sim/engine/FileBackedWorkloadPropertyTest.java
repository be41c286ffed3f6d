package dev.memvisor.sim.engine;

import dev.memvisor.sim.memory.StorageDevice;
import dev.memvisor.sim.report.SimResult;
import dev.memvisor.sim.scenario.ScenarioLoader;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A file-backed workload (workload.fileBacked: dbench's load) on one VM with no host pressure, its guest given less
 * memory than its files or enough for all of them: memory saves only read misses and rewrites, so
 * <ul>
 *   <li>with every file cached the guest never reads its disk (its files were written, not read, first), and a pure
 *       writer never reads it whatever the memory;</li>
 *   <li>throughput rises with memory (slowdown never grows with it, within the noise of sampled references);</li>
 *   <li>the throughput ratio between all-cached and the smallest memory stays below the bound the mix implies: each
 *       reference costs at most one read of its request's pages (a read miss, shared by the threads) or one page's
 *       writeback (a write, the whole of it when the writers are paced), each waited for at most 20 service times
 *       (the device's utilisation is held below 0.95);</li>
 *   <li>a writer runs free while its dirty pages stay under Linux's freerun point (15 % of the guest's memory) and is
 *       paced to the disk's write bandwidth past it.</li>
 * </ul>
 */
class FileBackedWorkloadPropertyTest {
    /** One VM of 64 MB (8 MB of it the guest OS) alone on a 1 GB host, its application's 32 MB of files. */
    static final String SCENARIO = """
            duration: 60s
            sampleInterval: 10s
            policy: {name: esx, sharingScanPagesPerSecond: 0}
            host: {memory: 1G, cores: 2}
            vms:
              - name: v
                memory: 64M
                guest: {osMemory: 8M}
                workload: {fileBacked: true, workingSet: 32M, refsPerSecond: 20000}
            """;
    private static final double REFS_PER_SECOND = 20000;
    /** The default disk: 5 ms, 150 MiB/s; a page's transfer, and its part of a sequential cluster of 32. */
    private static final double PAGE_NS = 4096 * 1e9 / (150 << 20);
    private static final double WRITE_NS = PAGE_NS + 5e6 / StorageDevice.WRITE_CLUSTER;

    private record Run(double slowdown, long diskReads) {}

    private static Run run(int memoryMb, double skew, double writeFraction, int threads, int readPages) {
        var s = ScenarioLoader.parse(SCENARIO, "f.yaml", Path.of("."), List.of("vms[0].memory=" + memoryMb + "M",
                "vms[0].workload.skew=" + skew, "vms[0].workload.writeFraction=" + writeFraction, "vms[0].workload.threads=" + threads,
                "vms[0].workload.readPages=" + readPages));
        Simulation sim = new Simulation(s, 1);
        SimResult r = sim.run(null);
        long reads = 0;
        for (StorageDevice d : sim.host().devices()) reads += d.requests();
        return new Run(r.vm("v").slowdown, reads);
    }

    @Property(tries = 10)
    void memorySavesOnlyReadMissesAndRewrites(@ForAll @DoubleRange(min = 0, max = 1.2) double skew,
                                              @ForAll @DoubleRange(min = 0, max = 1) double writeFraction,
                                              @ForAll @IntRange(min = 1, max = 40) int threads,
                                              @ForAll @IntRange(min = 1, max = 4) int readPages) {
        // 8 MB of guest OS: 16, 24 and 32 MB of page cache for 32 MB of files, then all of them
        int[] memory = {24, 32, 40, 48};
        Run[] runs = new Run[memory.length];
        StringBuilder seen = new StringBuilder(String.format(Locale.ROOT, "skew %.2f, writes %.2f, %d threads, reads of %d pages: ",
                skew, writeFraction, threads, readPages));
        for (int i = 0; i < memory.length; i++) {
            runs[i] = run(memory[i], skew, writeFraction, threads, readPages);
            seen.append(String.format(Locale.ROOT, "%d MB %.3fx (%d reads); ", memory[i], runs[i].slowdown(), runs[i].diskReads()));
        }
        Run cached = runs[memory.length - 1];
        assertThat(cached.diskReads()).as(seen.toString()).isZero();
        for (int i = 1; i < memory.length; i++) {
            assertThat(runs[i].slowdown()).as(seen.toString()).isLessThanOrEqualTo(runs[i - 1].slowdown() * 1.02);
        }
        double wallNs = 1e9 / REFS_PER_SECOND;
        // the sampled write share may stray a little from writeFraction: a margin of 0.05 each way
        double perRefNs = 20 * (Math.min(1, 1.05 - writeFraction) * (5e6 + readPages * PAGE_NS) / threads
                + Math.min(1, writeFraction + 0.05) * WRITE_NS);
        assertThat(runs[0].slowdown() / cached.slowdown()).as(seen.toString()).isLessThanOrEqualTo(1 + perRefNs / wallNs);
        if (writeFraction < 0.9) assertThat(runs[0].diskReads()).as(seen.toString()).isPositive();
    }

    @Test
    void aWriterIsPacedToTheDiskOnlyPastTheFreerunPoint() {
        // a uniform pure writer with 40 threads in 64 MB (56 MB of page cache): freerun at 15 % = 9.6 MB dirty
        double[] slowdown = new double[3];
        int[] files = {4, 8, 40};
        for (int i = 0; i < files.length; i++) {
            var s = ScenarioLoader.parse(SCENARIO, "f.yaml", Path.of("."), List.of("vms[0].workload.workingSet=" + files[i] + "M",
                    "vms[0].workload.skew=0", "vms[0].workload.writeFraction=1", "vms[0].workload.threads=40"));
            slowdown[i] = new Simulation(s, 1).run(null).vm("v").slowdown;
        }
        String seen = String.format(Locale.ROOT, "4 MB %.3fx, 8 MB %.3fx, 40 MB %.3fx", slowdown[0], slowdown[1], slowdown[2]);
        // under it each write costs 1/40 of a clustered page write: nothing to speak of
        assertThat(slowdown[0]).as(seen).isLessThan(1.01);
        assertThat(slowdown[1]).as(seen).isLessThan(1.05);
        // past it the writer dirties pages no faster than the disk writes them (5,460 pages a second at 183 us each):
        // uniform writes over 10,240 pages, about three quarters of them to clean pages, make 15,000 dirtyings a second
        // wanted, about 2.8 times that
        assertThat(slowdown[2]).as(seen).isBetween(2.0, 3.5);
    }

    @Property(tries = 4)
    void aPureWriterNeverReadsItsDisk(@ForAll @IntRange(min = 20, max = 48) int memoryMb, @ForAll @IntRange(min = 1, max = 40) int threads) {
        assertThat(run(memoryMb, 0.8, 1.0, threads, 1).diskReads()).isZero();
    }
}
