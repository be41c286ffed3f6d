package dev.memvisor.qemu.migrate;

import dev.memvisor.qemu.launch.Accelerator;

/**
 * A QEMU bug that loses guest stores during live migration from a TCG guest, and how memvisor keeps
 * its own TCG guests clear of it. Before QEMU 9.0, {@code cpu_physical_memory_sync_dirty_bitmap}'s
 * fast path (taken when the RAM block's size is a multiple of 64 pages, 256 KiB) cleared migration
 * dirty bits without resetting the TCG TLB, so later stores through cached TLB entries set no dirty
 * bit and were never sent again: the destination resumes with stale pages (QEMU commit "physmem: Fix
 * migration dirty bitmap coherency with TCG memory access", Nicholas Piggin, March 2024, fixing
 * aa8dc044772; QEMU 7.2 on Debian 12 lacks it). In our runs, 5 of 12 balloon-first migrations of a
 * 192 MiB guest under load crashed on arrival (an on-stack hrtimer of a sleeping task read back stale,
 * BENCHMARKS.md); with the RAM 8 KiB longer, which takes QEMU's per-page path that does reset the TLB,
 * 0 of 12. KVM tracks dirty pages in the kernel and is not affected.
 */
public final class TcgDirtyTracking {
    /** What memvisor adds to a TCG guest's RAM so its size is not a multiple of 256 KiB (QEMU aligns RAM to 8 KiB). */
    public static final long PAD_BYTES = 8 << 10;
    private static final long FAST_PATH_ALIGNMENT = 64 * 4096;

    private TcgDirtyTracking() {}

    /** The value of {@code -m} for a guest of {@code ramBytes} on {@code accel}: in KiB, padded on TCG when the size would be affected. */
    public static String memoryArgument(long ramBytes, Accelerator accel) {
        return ((affectedSize(ramBytes) && accel == Accelerator.TCG ? ramBytes + PAD_BYTES : ramBytes) >> 10) + "k";
    }

    /** Whether a RAM block of this size takes the fast path that loses stores under TCG. */
    public static boolean affectedSize(long ramBytes) {
        return ramBytes % FAST_PATH_ALIGNMENT == 0;
    }

    /**
     * Whether a live migration of this guest may lose stores: TCG, a QEMU older than 9.0 and a RAM
     * size that takes the fast path.
     *
     * @param qemuVersion QEMU's version as QMP's greeting gives it, e.g. {@code 7.2.0}
     */
    public static boolean atRisk(boolean kvm, String qemuVersion, long ramBytes) {
        if (kvm || !affectedSize(ramBytes)) return false;
        try {
            return Integer.parseInt(qemuVersion.substring(0, qemuVersion.indexOf('.'))) < 9;
        } catch (RuntimeException e) {
            return true;
        }
    }

    /** The note a migration result carries for a guest at risk. */
    public static String note(String qemuVersion, long ramBytes) {
        return "the guest runs on TCG under QEMU " + qemuVersion + ", whose live migration can lose guest stores when the RAM ("
                + (ramBytes >> 20) + " MiB) is a multiple of 256 KiB (fixed in QEMU 9.0: 'physmem: Fix migration dirty bitmap"
                + " coherency with TCG memory access'); the destination was watched for " + LiveMigration.SETTLE.toSeconds()
                + " s, but a lost store may show later. memvisor's own TCG guests get " + (PAD_BYTES >> 10) + " KiB more RAM to avoid it";
    }
}
