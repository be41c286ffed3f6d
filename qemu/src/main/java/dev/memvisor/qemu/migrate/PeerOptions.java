package dev.memvisor.qemu.migrate;

/**
 * How {@link MigrationPeerLauncher} equips a source guest for migration experiments.
 *
 * @param freePageHint      a virtio-balloon with free-page-hint=on and its iothread
 * @param freePageReporting virtio-balloon free-page-reporting (the guest hands free pages back on
 *                          its own, which turns them into zero pages for every strategy)
 * @param writeThenFreeBytes bytes the guest writes with non-zero data and then frees, before it
 *                          counts as ready (0 = none); for migrating a guest with much free memory
 */
public record PeerOptions(boolean freePageHint, boolean freePageReporting, long writeThenFreeBytes) {
    /** Validates. */
    public PeerOptions {
        if (writeThenFreeBytes < 0) throw new IllegalArgumentException("writeThenFreeBytes must be >= 0");
    }

    /** A plain balloon: no hinting, no reporting, no write-then-free. */
    public static PeerOptions plain() { return new PeerOptions(false, false, 0); }

    /** A copy with free-page-hint on or off. */
    public PeerOptions withFreePageHint(boolean on) { return new PeerOptions(on, freePageReporting, writeThenFreeBytes); }

    /** A copy that writes then frees this many bytes at boot. */
    public PeerOptions withWriteThenFree(long bytes) { return new PeerOptions(freePageHint, freePageReporting, bytes); }
}
