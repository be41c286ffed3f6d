package dev.memvisor.sim.engine;

import dev.memvisor.sim.Rng;
import dev.memvisor.sim.guest.GuestOs;
import dev.memvisor.sim.hypervisor.HostReclaim;
import dev.memvisor.sim.hypervisor.Hypervisor;
import dev.memvisor.sim.hypervisor.VmBacking;
import dev.memvisor.sim.memory.MissCosts;
import dev.memvisor.sim.memory.PageState;
import dev.memvisor.sim.memory.StorageDevice;
import dev.memvisor.sim.memory.VmPages;
import dev.memvisor.sim.workload.SyntheticWorkload;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Tiny hand-worked cases of VMs' memory, guest OS and hypervisor together: exact page counts. */
class OneVmMemoryTest {
    /** One VM as the host builder wires it: pages, backing, booted guest and its reference loop. */
    private record Vm(GuestOs guest, VmBacking backing, ReferenceLoop loop) {}

    private static Hypervisor host(int vms) {
        return new Hypervisor(new Hypervisor.Settings(1000, 100, vms, 0, false, false, 0, 0, 0, 0, 1, HostReclaim.RANDOM));
    }

    private static Vm vm(Hypervisor hv, int pages, int vpnSpace, long stream, int imageBase, int osPages, long limitPages) {
        StorageDevice disk = new StorageDevice(5_000_000, 150L << 20, 1, 4);
        VmBacking b = hv.addVm(new VmPages(pages, vpnSpace), new Rng(1, stream), new MissCosts(4000, 20_000, 10_000, disk, disk, 1),
                limitPages, 0);
        GuestOs g = new GuestOs(b, 0, 0, 1, 0.04);
        g.boot(imageBase, osPages, 0, new Rng(2, stream));
        return new Vm(g, b, new ReferenceLoop(g, b));
    }

    /** A file-backed VM (its application's pages are page-cache file data, written back every 30 s) on {@code disk}. */
    private static Vm fileVm(Hypervisor hv, int pages, int vpnSpace, int osPages, StorageDevice disk) {
        return fileVm(hv, pages, vpnSpace, osPages, disk, 1);
    }

    /** As {@link #fileVm(Hypervisor, int, int, int, StorageDevice)}, reading {@code readPages} pages per request. */
    private static Vm fileVm(Hypervisor hv, int pages, int vpnSpace, int osPages, StorageDevice disk, int readPages) {
        VmBacking b = hv.addVm(new VmPages(pages, vpnSpace), new Rng(1, 1), new MissCosts(4000, 20_000, 10_000, disk, disk, 1), pages, 0);
        GuestOs g = new GuestOs(b, 0, 0, 1, 0.04, true, readPages, 30_000_000);
        g.boot(1, osPages, 0, new Rng(2, 1));
        return new Vm(g, b, new ReferenceLoop(g, b));
    }

    /** Reads each of {@code pages} pages once, in order. */
    private static SyntheticWorkload read(int pages) {
        return once(pages, false);
    }

    @Test
    void aFileBackedApplicationsRewritesBeforeTheirWritebackAreWrittenOnce() {
        Hypervisor host = host(1);
        Vm v = fileVm(host, 16, 64, 4, new StorageDevice(5_000_000, 150L << 20, 1, 4));
        GuestOs g = v.guest();
        v.loop().run(touch(8), 1e9, 1);
        assertThat(g.dirtyPages()).isEqualTo(8);
        assertThat(g.pagesDirtied()).isEqualTo(8);
        // the same 8 pages again before the flusher came: absorbed in the page cache
        v.loop().run(touch(8), 1e9, 1);
        assertThat(g.pagesDirtied()).isEqualTo(8);
        // 1 us before the expiry: the disk writes no page in 1 us, so the background flusher cleans none
        g.writeBack(29_999_999, 1);
        assertThat(g.dirtyPages()).isEqualTo(8);
        // at 30 s every dirty page has been written: clean, and a write dirties (and writes back) each again
        g.writeBack(30_000_000, 1);
        assertThat(g.dirtyPages()).isZero();
        v.loop().run(touch(8), 1e9, 1);
        assertThat(g.pagesDirtied()).isEqualTo(16);
        // past 10 % of the guest's 16 pages dirty, a second of background writeback cleans down to 1 page (1.6 rounded down)
        g.writeBack(31_000_000, 1_000_000);
        assertThat(g.dirtyPages()).isEqualTo(1);
        g.checkInvariants();
    }

    @Test
    void aFileBackedGuestDropsThePagesItEvictsAndReadsThemBackFromItsDisk() {
        Hypervisor host = host(1);
        StorageDevice disk = new StorageDevice(5_000_000, 150L << 20, 1, 4);
        Vm v = fileVm(host, 16, 64, 4, disk);
        GuestOs g = v.guest();
        // 20 pages of files written into 16 pages of memory: the guest drops what it evicts, it swaps nothing and reads nothing
        v.loop().run(touch(20), 1e9, 1);
        assertThat(g.swap().swapOuts()).isZero();
        assertThat(disk.requests()).isZero();
        assertThat(g.anonPages() + g.cachePages() + g.guestFreePages()).isEqualTo(16);
        int cached = g.anonPages();
        // reading all 20 back: each page not cached is one read of the disk (no readahead), a cached one costs nothing
        v.loop().run(read(20), 1e9, 1);
        assertThat(disk.requests()).isGreaterThanOrEqualTo(20 - cached).isLessThanOrEqualTo(20);
        assertThat(g.swap().swapOuts()).isZero();
        g.checkInvariants();
    }

    @Test
    void aReadOfAnUncachedFilePageReadsTheUncachedPagesOfItsBlockInOneRequest() {
        Hypervisor host = host(1);
        StorageDevice disk = new StorageDevice(5_000_000, 150L << 20, 1, 4);
        Vm v = fileVm(host, 32, 64, 0, disk, 4);
        GuestOs g = v.guest();
        // page 5 of the block 4-7 is read: one request brings all four
        g.firstTouch(5, false);
        assertThat(disk.requests()).isEqualTo(1);
        assertThat(g.anonPages()).isEqualTo(4);
        for (int vpn = 4; vpn < 8; vpn++) assertThat(v.backing().pages().pageOf(vpn)).as("page %d cached", vpn).isNotNegative();
        // page 9 written (no read), then page 10 read: the block 8-11 has 9 cached, so the read brings 8, 10 and 11
        g.firstTouch(9, true);
        g.firstTouch(10, false);
        assertThat(disk.requests()).isEqualTo(2);
        assertThat(g.anonPages()).isEqualTo(8);
        assertThat(g.dirtyPages()).isEqualTo(1);
        g.checkInvariants();
    }

    private static SyntheticWorkload touch(int pages) {
        return once(pages, true);
    }

    /** Touches each of {@code pages} pages once, in order: writing them, or reading them. */
    private static SyntheticWorkload once(int pages, boolean write) {
        return new SyntheticWorkload(List.of(new SyntheticWorkload.Phase(1_000_000, pages, 0, write ? 1.0 : 0, pages, 1.0)),
                false, pages, 0, false, write, new Rng(1, 2));
    }

    @Test
    void anApplicationThatListensTrimsOnTheFirstLowMemoryNotification() {
        // a regression: "never trimmed" was Long.MIN_VALUE, and now - Long.MIN_VALUE overflowed, so it never fired
        Hypervisor host = host(1);
        Vm v = vm(host, 64, 64, 1, 1, 0, 64);
        SyntheticWorkload app = new SyntheticWorkload(List.of(new SyntheticWorkload.Phase(100_000_000, 64, 0, 1.0, 64, 1.0)),
                false, 64, 0, true, true, new Rng(1, 2));
        v.loop().run(app, 1e9, 1);
        GuestOs g = v.guest();
        assertThat(g.guestFreePages() + g.cachePages()).as("no memory available").isZero();
        g.signalLowMemory(0, app);
        assertThat(g.anonPages()).as("a tenth of its 64 resident pages trimmed").isEqualTo(58);
        assertThat(g.swap().usedPages()).as("written to the guest's swap, as Windows writes trimmed pages to its paging file").isEqualTo(6);
        for (int vpn = 58; vpn < 64; vpn++) assertThat(v.backing().pages().pageOf(vpn)).as("page %d", vpn).isEqualTo(PageState.IN_GUEST_SWAP);
        assertThat(app.workingSetPages()).as("its data stay: it still references all 64 pages").isEqualTo(64);
        g.signalLowMemory(500_000, app);
        assertThat(g.anonPages()).as("at most once a second").isEqualTo(58);
        // the trim freed 6 pages, more than 4 % of the guest: memory is no longer low
        assertThat(g.guestFreePages()).isEqualTo(6);
        g.signalLowMemory(1_000_000, app);
        assertThat(g.anonPages()).isEqualTo(58);
        g.checkInvariants();
    }

    @Test
    void aTrimmedPageReferencedAgainIsReadBackFromTheGuestsSwap() {
        Hypervisor host = host(1);
        Vm v = vm(host, 64, 64, 1, 1, 0, 64);
        GuestOs g = v.guest();
        v.loop().run(touch(40), 1e9, 1);
        assertThat(g.trim(40, 4)).isEqualTo(4);
        assertThat(g.swap().swapOuts()).isEqualTo(4);
        // touching the 40 pages again: the 4 trimmed ones (36-39) are faults that read the guest's swap, the rest hit
        v.loop().run(touch(40), 1e9, 1);
        assertThat(g.swap().swapIns()).isEqualTo(4);
        assertThat(g.swap().usedPages()).isZero();
        assertThat(g.anonPages()).isEqualTo(40);
        g.checkInvariants();
    }

    @Test
    void aTrimmedFilePageReferencedAgainIsReadFromTheGuestsDisk() {
        Hypervisor host = host(1);
        StorageDevice disk = new StorageDevice(5_000_000, 150L << 20, 1, 4);
        Vm v = fileVm(host, 32, 64, 0, disk);
        GuestOs g = v.guest();
        // 10 s of wall time: the 16 references (a second's work) and their 5 ms reads all fit
        v.loop().run(read(16), 1e10, 1);
        long reads = disk.requests();
        assertThat(reads).as("each page read once").isEqualTo(16);
        // a file page is dropped, not swapped: its data are in the file
        assertThat(g.trim(16, 3)).isEqualTo(3);
        assertThat(g.swap().swapOuts()).isZero();
        assertThat(disk.requests()).isEqualTo(reads);
        v.loop().run(read(16), 1e10, 1);
        assertThat(disk.requests() - reads).as("the 3 trimmed pages read again, one request each").isEqualTo(3);
        g.checkInvariants();
    }

    @Test
    void theBalloonTakesFreePagesFirstThenPageCacheThenTheApplicationsPages() {
        Hypervisor host = host(1);
        Vm v = vm(host, 16, 64, 1, 1, 4, 16);
        GuestOs m = v.guest();
        // the application writes 8 pages: 16 = 4 cache + 8 anonymous + 4 free
        v.loop().run(touch(8), 1e9, 1);
        assertThat(m.anonPages()).isEqualTo(8);
        assertThat(m.cachePages()).isEqualTo(4);
        assertThat(m.guestFreePages()).isEqualTo(4);
        m.balloon().inflate(6, 6);
        assertThat(m.guestFreePages()).isZero();
        assertThat(m.cachePages()).isEqualTo(2);
        assertThat(m.anonPages()).isEqualTo(8);
        assertThat(m.swap().swapOuts()).isZero();
        m.balloon().inflate(5, 11);
        assertThat(m.cachePages()).isZero();
        assertThat(m.anonPages()).isEqualTo(5);
        assertThat(m.swap().swapOuts()).isEqualTo(3);
        assertThat(m.balloonPages()).isEqualTo(11);
        // ballooned pages are given back to the host
        assertThat(v.backing().grantedPages()).isEqualTo(5);
        m.checkInvariants();
        host.checkInvariants();
        m.balloon().deflate(100, 0);
        assertThat(m.guestFreePages()).isEqualTo(11);
        m.checkInvariants();
        host.checkInvariants();
    }

    @Test
    void identicalPagesShareOneFrameAndAWriteBreaksTheSharing() {
        Hypervisor host = host(2);
        Vm a = vm(host, 8, 8, 1, 1, 4, 8);
        Vm b = vm(host, 8, 8, 2, 1, 4, 8);
        assertThat(host.machine().usedFrames()).isEqualTo(8);
        host.sharing().scan(16);
        // 4 image pages in each VM share 4 frames
        assertThat(host.sharing().sharedFrames()).isEqualTo(4);
        assertThat(host.sharing().savedPages()).isEqualTo(4);
        assertThat(host.machine().usedFrames()).isEqualTo(4);
        host.checkInvariants();
        // the application of VM a writes one new page: a free page, unbacked, so the host backs it
        a.loop().run(touch(1), 1e9, 1);
        assertThat(host.machine().usedFrames()).isEqualTo(5);
        a.guest().checkInvariants();
        b.guest().checkInvariants();
        host.checkInvariants();
    }

    @Test
    void aVmAtItsLimitSwapsOneOfItsOwnPagesBeforeItGrows() {
        Hypervisor host = host(1);
        Vm m = vm(host, 16, 16, 1, 0, 0, 6);
        m.loop().run(touch(10), 1e10, 1);
        assertThat(m.backing().grantedPages()).isEqualTo(6);
        assertThat(host.swap().swapOuts(0)).isEqualTo(4);
        m.guest().checkInvariants();
        host.checkInvariants();
    }
}
