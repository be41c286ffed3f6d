package dev.memvisor.sim.migration;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties of the pre-copy model over random small guests (1-48 MiB) and slow links (1-32 MiB/s),
 * so that dirtying competes with sending as it does for real guests on real links.
 */
class PreCopyModelPropertyTest {
    private static final long MIB = 1 << 20;

    private static GuestProfile profile(int ramMib, int usedPct, int wsPct, int freedPct) {
        long ram = ramMib * MIB;
        long used = ram * usedPct / 100;
        long ws = ram * wsPct / 100;
        long freed = Math.max(0, Math.min(ram - used - ws, ram * freedPct / 100));
        return new GuestProfile(ram, used, ws, freed);
    }

    private static PreCopyParams link(int mibPerSecond) {
        return PreCopyParams.qemuDefaults().withBandwidth(mibPerSecond * MIB);
    }

    @Property(tries = 60)
    void onAnIdleGuestKnowingFreePagesSavesExactlyTheirCost(@ForAll @IntRange(min = 1, max = 48) int ramMib, @ForAll @IntRange(min = 0, max = 40) int usedPct,
                                                            @ForAll @IntRange(min = 0, max = 60) int freedPct, @ForAll @IntRange(min = 1, max = 32) int mibPerSecond) {
        GuestPages g = GuestPages.of(profile(ramMib, usedPct, 0, freedPct));
        PreCopyModel m = new PreCopyModel(link(mibPerSecond));
        PreCopyResult plain = m.run(g, DirtyModel.idle(), MigrationStrategy.PLAIN);
        PreCopyResult hint = m.run(g, DirtyModel.idle(), MigrationStrategy.FREE_PAGE_HINT);
        long zeroFree = g.zeroPages(); // an idle guest's zero pages are all free
        long dirtyFree = g.freePages() - zeroFree;
        assertThat(hint.bytes()).isEqualTo(plain.bytes() - dirtyFree * (4096 + 8) - zeroFree * 9);
        assertThat(hint.skippedFreePages()).isEqualTo(g.freePages());
    }

    /**
     * Not a theorem: the dirty rounds of the two runs depend on where their syncs fall, so near the
     * stop a sync can catch a few more pages with free-page knowledge than without. In 30,000 random
     * trials of exactly this domain (dirtying at most half the link) the excess stayed under 0.07 x
     * what the downtime limit allows at the bandwidth (wider domains, with writes confined to a hot
     * part of the working set, reached 1.2 x); the property allows 2 x, and requires a saving whenever
     * the free pages cost more than twice that. Near or above the link's rate neither run converges
     * and which one the iteration cap stops with more bytes is arbitrary, so that is outside the domain.
     */
    @Property(tries = 60)
    void onABusyGuestKnowingFreePagesCostsAtMostTheStopSlack(@ForAll @IntRange(min = 1, max = 48) int ramMib, @ForAll @IntRange(min = 0, max = 40) int usedPct,
                                                             @ForAll @IntRange(min = 1, max = 40) int wsPct, @ForAll @IntRange(min = 0, max = 60) int freedPct,
                                                             @ForAll @DoubleRange(min = 0, max = 0.5) double linkFraction, @ForAll boolean uniform,
                                                             @ForAll @IntRange(min = 1, max = 32) int mibPerSecond) {
        GuestPages g = GuestPages.of(profile(ramMib, usedPct, wsPct, freedPct));
        DirtyModel d = new DirtyModel(linkFraction * mibPerSecond * 256, uniform ? Locality.UNIFORM : Locality.SEQUENTIAL, 1, 7);
        PreCopyParams p = link(mibPerSecond);
        PreCopyModel m = new PreCopyModel(p);
        long slack = (long) (2 * p.bandwidth() * p.downtimeLimitMicros() / 1e6);
        PreCopyResult plain = m.run(g, d, MigrationStrategy.PLAIN);
        PreCopyResult hint = m.run(g, d, MigrationStrategy.FREE_PAGE_HINT);
        assertThat(hint.bytes()).isLessThanOrEqualTo(plain.bytes() + slack);
        long freeCost = (g.freePages() - g.zeroPages()) * (4096L + 8);
        if (freeCost > 2 * slack) assertThat(hint.bytes()).isLessThan(plain.bytes());
    }

    @Property(tries = 40)
    void anIdleGuestTakesOneRoundThenStops(@ForAll @IntRange(min = 1, max = 48) int ramMib, @ForAll @IntRange(min = 0, max = 50) int usedPct,
                                           @ForAll @IntRange(min = 0, max = 50) int freedPct, @ForAll @IntRange(min = 1, max = 32) int mibPerSecond) {
        GuestPages g = GuestPages.of(profile(ramMib, usedPct, 0, freedPct));
        for (MigrationStrategy s : MigrationStrategy.values()) {
            PreCopyResult r = new PreCopyModel(link(mibPerSecond)).run(g, DirtyModel.idle(), s);
            // one live round, then the stop-and-copy: QEMU counts the setup sync, the sync that found it fits, and the final one
            assertThat(r.normalPagesPerRound()).hasSize(2);
            assertThat(r.iterations()).isEqualTo(3);
            assertThat(r.converged()).isTrue();
            // every page is sent exactly once, as a full page or as a zero marker, unless it is known free
            assertThat(r.normalPages() + r.zeroPages() + r.skippedFreePages()).isEqualTo(g.pages());
        }
    }

    @Property(tries = 60)
    void aConvergedMigrationKeepsTheDowntimeLimit(@ForAll @IntRange(min = 1, max = 48) int ramMib, @ForAll @IntRange(min = 0, max = 40) int wsPct,
                                                  @ForAll @DoubleRange(min = 0, max = 5000) double rate, @ForAll @IntRange(min = 1, max = 32) int mibPerSecond,
                                                  @ForAll @IntRange(min = 1, max = 500) int limitMs, @ForAll @IntRange(min = 1, max = 4) int stopFactor) {
        GuestPages g = GuestPages.of(profile(ramMib, 10, wsPct, 20));
        PreCopyParams p = link(mibPerSecond).withStopCopyBandwidth((double) stopFactor * mibPerSecond * MIB).withDowntimeLimitMicros(limitMs * 1000L);
        for (MigrationStrategy s : MigrationStrategy.values()) {
            PreCopyResult r = new PreCopyModel(p).run(g, new DirtyModel(rate, Locality.UNIFORM, 0.5, 3), s);
            if (r.converged()) assertThat(r.downtimeMicros()).isLessThanOrEqualTo(p.downtimeLimitMicros());
            assertThat(r.iterations()).isLessThanOrEqualTo(p.maxIterations());
        }
    }

    /**
     * More bandwidth never makes the migration take longer and adds at most one sync (where the
     * syncs fall can shift by one). Not a theorem either: it held in all of 72,000 random trials
     * (dirtying up to twice the slower link, both localities, 2-4x the bandwidth).
     */
    @Property(tries = 60)
    void moreBandwidthNeverTakesLonger(@ForAll @IntRange(min = 1, max = 48) int ramMib, @ForAll @IntRange(min = 1, max = 60) int wsPct,
                                       @ForAll @DoubleRange(min = 0, max = 2) double linkFraction, @ForAll boolean uniform,
                                       @ForAll @IntRange(min = 1, max = 16) int mibPerSecond, @ForAll @IntRange(min = 2, max = 4) int factor) {
        GuestPages g = GuestPages.of(profile(ramMib, 10, wsPct, 10));
        DirtyModel d = new DirtyModel(linkFraction * mibPerSecond * 256, uniform ? Locality.UNIFORM : Locality.SEQUENTIAL, 1, 5);
        for (MigrationStrategy s : MigrationStrategy.values()) {
            PreCopyResult slow = new PreCopyModel(link(mibPerSecond)).run(g, d, s);
            PreCopyResult fast = new PreCopyModel(link(mibPerSecond * factor)).run(g, d, s);
            assertThat(fast.totalMicros()).isLessThanOrEqualTo(slow.totalMicros());
            assertThat(fast.iterations()).isLessThanOrEqualTo(slow.iterations() + 1);
        }
    }

    @Property(tries = 40)
    void ballooningAnIdleGuestNeverSendsMore(@ForAll @IntRange(min = 1, max = 48) int ramMib, @ForAll @IntRange(min = 0, max = 50) int usedPct,
                                             @ForAll @IntRange(min = 0, max = 80) int freedPct) {
        GuestPages g = GuestPages.of(profile(ramMib, usedPct, 0, freedPct));
        PreCopyModel m = new PreCopyModel(link(8));
        assertThat(m.run(g, DirtyModel.idle(), MigrationStrategy.BALLOON_FIRST).bytes())
                .isLessThanOrEqualTo(m.run(g, DirtyModel.idle(), MigrationStrategy.PLAIN).bytes());
    }

    @Test
    void aHandWorkedIdleGuestSendsItsDataPagesAndMarkers() {
        // 16 pages: 4 used, 8 written then freed, 4 never written; 1 MiB/s and a 0 ms limit, so everything goes live
        GuestPages g = GuestPages.of(new GuestProfile(16 * 4096, 4 * 4096, 0, 8 * 4096));
        PreCopyModel m = new PreCopyModel(PreCopyParams.qemuDefaults().withBandwidth(MIB).withDowntimeLimitMicros(0));
        PreCopyResult plain = m.run(g, DirtyModel.idle(), MigrationStrategy.PLAIN);
        assertThat(plain.bytes()).isEqualTo(12 * (4096 + 8) + 4 * 9);
        assertThat(plain.zeroPages()).isEqualTo(4);
        PreCopyResult hint = m.run(g, DirtyModel.idle(), MigrationStrategy.FREE_PAGE_HINT);
        assertThat(hint.bytes()).isEqualTo(4 * (4096 + 8));
        assertThat(hint.skippedFreePages()).isEqualTo(12);
        // headroom RAM/16 = 1 page: the balloon takes 11 free pages, freed (dirty) ones first, so one zero page is left free
        PreCopyResult balloon = m.run(g, DirtyModel.idle(), MigrationStrategy.BALLOON_FIRST);
        assertThat(balloon.balloonedPages()).isEqualTo(11);
        assertThat(balloon.bytes()).isEqualTo(4 * (4096 + 8) + 12 * 9);
    }

    @Test
    void aGuestDirtyingFasterThanTheLinkHitsTheIterationCap() {
        GuestPages g = GuestPages.of(new GuestProfile(4 * MIB, 0, 4 * MIB, 0));
        PreCopyParams p = PreCopyParams.qemuDefaults().withBandwidth(MIB).withDowntimeLimitMicros(10_000);
        PreCopyResult r = new PreCopyModel(p).run(g, DirtyModel.sequential(1000), MigrationStrategy.PLAIN);
        assertThat(r.converged()).isFalse();
        assertThat(r.iterations()).isEqualTo(p.maxIterations());
        assertThat(r.downtimeMicros()).isGreaterThan(p.downtimeLimitMicros());
    }
}
