package dev.memvisor.sim.engine;

import dev.memvisor.sim.workload.SyntheticWorkload;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Tiny hand-worked cases of one VM's memory: exact page counts. */
class VmMemoryTest {
    private static final Costs COSTS = new Costs(4000, 5_000_000, 20_000, 5_000_000, 0, 0);

    private static VmMemory vm(HostMemory host, int pages, int osPages) {
        VmMemory m = new VmMemory(0, pages, 64, host, new Rng(1, 1), 1, osPages, false, 0, COSTS, pages, 0);
        host.vms = new VmMemory[] {m};
        return m;
    }

    private static SyntheticWorkload touch(int pages) {
        return new SyntheticWorkload(List.of(new SyntheticWorkload.Phase(1_000_000, pages, 0, 1.0, pages, 1.0)),
                false, pages, 0, false, true, new Rng(1, 2));
    }

    @Test
    void theBalloonTakesFreePagesFirstThenPageCacheThenTheApplicationsPages() {
        HostMemory host = new HostMemory(1000, 100, new Rng(1, 0));
        VmMemory m = vm(host, 16, 4);
        // the application writes 8 pages: 16 = 4 cache + 8 anonymous + 4 free
        m.run(touch(8), 1e9, 1);
        assertThat(m.anonPages()).isEqualTo(8);
        assertThat(m.cachePages()).isEqualTo(4);
        assertThat(m.guestFreePages()).isEqualTo(4);
        m.balloonTargetPages = 6;
        m.inflate(6);
        assertThat(m.guestFreePages()).isZero();
        assertThat(m.cachePages()).isEqualTo(2);
        assertThat(m.anonPages()).isEqualTo(8);
        assertThat(m.guestSwapOuts).isZero();
        m.balloonTargetPages = 11;
        m.inflate(5);
        assertThat(m.cachePages()).isZero();
        assertThat(m.anonPages()).isEqualTo(5);
        assertThat(m.guestSwapOuts).isEqualTo(3);
        assertThat(m.balloonPages()).isEqualTo(11);
        // ballooned pages are given back to the host
        assertThat(m.grantedPages()).isEqualTo(5);
        host.checkInvariants();
        m.balloonTargetPages = 0;
        m.deflate(100);
        assertThat(m.guestFreePages()).isEqualTo(11);
        host.checkInvariants();
    }

    @Test
    void identicalPagesShareOneFrameAndAWriteBreaksTheSharing() {
        HostMemory host = new HostMemory(1000, 100, new Rng(1, 0));
        VmMemory a = new VmMemory(0, 8, 8, host, new Rng(1, 1), 1, 4, false, 0, COSTS, 8, 0);
        VmMemory b = new VmMemory(1, 8, 8, host, new Rng(1, 2), 1, 4, false, 0, COSTS, 8, 0);
        host.vms = new VmMemory[] {a, b};
        assertThat(host.usedFrames()).isEqualTo(8);
        host.scan(16);
        // 4 image pages in each VM share 4 frames
        assertThat(host.sharedFrames()).isEqualTo(4);
        assertThat(host.sharedSavedPages()).isEqualTo(4);
        assertThat(host.usedFrames()).isEqualTo(4);
        host.checkInvariants();
        // the application of VM a writes one new page: a free page, unbacked, so the host backs it
        a.run(touch(1), 1e9, 1);
        assertThat(host.usedFrames()).isEqualTo(5);
        host.checkInvariants();
    }

    @Test
    void aVmAtItsLimitSwapsOneOfItsOwnPagesBeforeItGrows() {
        HostMemory host = new HostMemory(1000, 100, new Rng(1, 0));
        VmMemory m = new VmMemory(0, 16, 16, host, new Rng(1, 1), 0, 0, false, 0, COSTS, 6, 0);
        host.vms = new VmMemory[] {m};
        m.run(touch(10), 1e10, 1);
        assertThat(m.grantedPages()).isEqualTo(6);
        assertThat(m.swapOuts).isEqualTo(4);
        host.checkInvariants();
    }
}
