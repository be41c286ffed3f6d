package dev.memvisor.sim.memory;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** PageBitSet against a plain array of booleans: the same members, the same next member from every page. */
class PageBitSetPropertyTest {

    @Property(tries = 300)
    void nextFindsWhatAScanFinds(@ForAll @IntRange(min = 1, max = 300_000) int size,
                                 @ForAll @Size(max = 400) List<@IntRange(min = 0, max = Integer.MAX_VALUE - 1) Integer> ops,
                                 @ForAll @Size(min = 1, max = 50) List<@IntRange(min = 0, max = Integer.MAX_VALUE - 1) Integer> probes) {
        PageBitSet set = new PageBitSet(size);
        boolean[] ref = new boolean[size];
        // clustered members: an op adds or removes a run of pages, as a VM's private pages come in runs
        for (int op : ops) {
            int at = op % size, run = 1 + (op >>> 20) % 200;
            boolean add = (op & 1) == 0 || (op & 2) == 0;
            for (int g = at; g < Math.min(size, at + run); g++) {
                if (add) set.add(g); else set.remove(g);
                ref[g] = add;
            }
        }
        for (int p : probes) {
            int from = p % size;
            assertThat(set.next(from)).isEqualTo(scan(ref, from));
            int wrap = scan(ref, from);
            if (wrap < 0) wrap = scan(ref, 0);
            assertThat(set.nextWrapping(from)).isEqualTo(wrap);
            assertThat(set.contains(from)).isEqualTo(ref[from]);
        }
        assertThat(set.next(0)).isEqualTo(scan(ref, 0));
    }

    @Property(tries = 50)
    void aSingleMemberIsFoundFromAnywhere(@ForAll @IntRange(min = 1, max = 3_000_000) int size, @ForAll @IntRange(min = 0, max = 2_999_999) int member,
                                          @ForAll @IntRange(min = 0, max = 2_999_999) int from) {
        int m = member % size, f = from % size;
        PageBitSet set = new PageBitSet(size);
        assertThat(set.nextWrapping(f)).isEqualTo(-1);
        set.add(m);
        assertThat(set.nextWrapping(f)).isEqualTo(m);
        assertThat(set.next(f)).isEqualTo(f <= m ? m : -1);
        set.remove(m);
        assertThat(set.next(0)).isEqualTo(-1);
    }

    private static int scan(boolean[] ref, int from) {
        for (int g = from; g < ref.length; g++) if (ref[g]) return g;
        return -1;
    }
}
