package dev.memvisor.sim.workload;

import dev.memvisor.sim.Rng;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Exact counts for the synthetic workload: fixed work per phase, population, growth and trimming. */
class SyntheticWorkloadTest {
    /** Records what the workload asks of the guest; {@code resident} pages are resident, as a trim leaves them. */
    private static final class Released implements VirtualMemory {
        final List<int[]> calls = new ArrayList<>();
        final List<int[]> trims = new ArrayList<>();
        int resident;

        @Override
        public void release(int fromVpn, int toVpn) { calls.add(new int[] {fromVpn, toVpn}); }

        @Override
        public int trim(int toVpn, int count) {
            trims.add(new int[] {toVpn, count});
            int n = Math.min(count, resident);
            resident -= n;
            return n;
        }

        @Override
        public int residentPages() { return resident; }
    }

    private static int drain(Workload w, int[] buf) {
        int total = 0, n;
        while ((n = w.fill(buf, buf.length)) > 0) total += n;
        return total;
    }

    @Test
    void eachPhaseHasItsFixedWorkAndTheFirstTouchesPopulateInOrder() {
        SyntheticWorkload w = new SyntheticWorkload(List.of(
                new SyntheticWorkload.Phase(2_000_000, 8, 0.5, 0.0, 50, 1.0),
                new SyntheticWorkload.Phase(1_000_000, 8, 0.5, 1.0, 30, 1.0)), false, 8, 0, false, true, new Rng(3, 3));
        int[] buf = new int[256];
        int n = w.fill(buf, 256);
        assertThat(n).isEqualTo(100);
        for (int i = 0; i < 8; i++) assertThat(buf[i]).isEqualTo(i << 1 | 1);
        for (int i = 8; i < n; i++) assertThat(buf[i] & 1).as("phase 1 makes no writes").isZero();
        assertThat(w.fill(buf, 256)).isEqualTo(30);
        for (int i = 0; i < 30; i++) assertThat(buf[i] & 1).as("phase 2 only writes").isEqualTo(1);
        assertThat(w.done()).isTrue();
        assertThat(w.fill(buf, 256)).isZero();
        assertThat(w.cpuDemand()).isZero();
    }

    @Property(tries = 20)
    void readRunsAreAlignedBlocksAndKeepTheShareOfWrites(@ForAll @IntRange(min = 2, max = 8) int run,
                                                         @ForAll @DoubleRange(min = 0, max = 1) double writes,
                                                         @ForAll @DoubleRange(min = 0, max = 1.2) double skew) {
        int ws = 4096;
        SyntheticWorkload w = new SyntheticWorkload(List.of(new SyntheticWorkload.Phase(100_000_000, ws, skew, writes, 2000, 1.0)),
                false, ws, 0, false, true, 0, run, new Rng(5, 7));
        int[] buf = new int[256];
        long refs = 0, written = 0, skip = ws; // the first touches populate the working set in order, one page each
        for (int b = 0; b < 400; b++) {
            int n = w.fill(buf, buf.length);
            int expect = -1; // the next page of the read run under way (a run is cut only by the end of a batch)
            for (int i = 0; i < n; i++) {
                int r = buf[i], v = r >>> 1;
                if (skip > 0) {
                    skip--;
                    continue;
                }
                refs++;
                if (expect >= 0) {
                    assertThat(r).as("the run goes on with page %d", expect).isEqualTo(expect << 1);
                } else if ((r & 1) != 0) {
                    written++;
                    continue;
                } else {
                    assertThat(v % run).as("a read run starts at its block's first page").isZero();
                }
                expect = v + 1 < Math.min(ws, (v / run + 1) * run) ? v + 1 : -1;
            }
        }
        assertThat(refs).isGreaterThan(50_000);
        assertThat((double) written / refs).isCloseTo(writes, org.assertj.core.data.Offset.offset(0.02));
    }

    @Test
    void itGrowsToItsCapAndTrimsOnLowMemory() {
        SyntheticWorkload w = new SyntheticWorkload(List.of(new SyntheticWorkload.Phase(100_000_000, 100, 0, 0.5, 1000, 1.0)),
                false, 200, 50, true, true, new Rng(1, 1));
        Released mem = new Released();
        w.advance(1_000_000, 1_000_000, mem);
        assertThat(w.workingSetPages()).isEqualTo(150);
        w.advance(5_000_000, 4_000_000, mem);
        assertThat(w.workingSetPages()).isEqualTo(200);
        int[] buf = new int[256];
        w.fill(buf, 256);
        mem.resident = 200;
        assertThat(w.lowMemory(mem)).isTrue();
        assertThat(mem.trims).hasSize(1);
        assertThat(mem.trims.get(0)).as("a tenth of its resident pages, from its highest touched page down").containsExactly(200, 20);
        assertThat(mem.resident).isEqualTo(180);
        assertThat(w.workingSetPages()).as("the data stay: it still references all of them").isEqualTo(200);
        assertThat(mem.calls).as("nothing released").isEmpty();
        for (int i = 0; i < 40; i++) w.lowMemory(mem);
        assertThat(mem.resident).as("never below a quarter of its working set").isEqualTo(25);
        assertThat(w.lowMemory(mem)).as("nothing left to trim").isFalse();
        assertThat(w.workingSetPages()).isEqualTo(200);
    }

    @Test
    void anIdlePhaseOnlyLetsTimePass() {
        SyntheticWorkload w = new SyntheticWorkload(List.of(new SyntheticWorkload.Phase(1_000_000, 10, 0, 0, 0, 1.0),
                new SyntheticWorkload.Phase(1_000_000, 10, 0, 0, 10, 1.0)), false, 10, 0, false, true, new Rng(1, 1));
        int[] buf = new int[64];
        assertThat(w.fill(buf, 64)).isZero();
        assertThat(w.cpuDemand()).isLessThan(0.1);
        w.advance(1_000_000, 1_000_000, new Released());
        assertThat(drain(w, buf)).isEqualTo(10);
        assertThat(w.done()).isTrue();
    }
}
