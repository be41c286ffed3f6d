package dev.memvisor.qemu.scan;

import java.nio.ByteBuffer;

/**
 * A 128-bit non-cryptographic hash of one 4 KiB page, computed together with the page's zero test
 * in one pass over its 512 little-endian 64-bit words. Two independent multiply-rotate lanes
 * (the xxHash64 round, Collet) each finished with the MurmurHash3 fmix64 avalanche; with 128 bits
 * the chance that two different pages of a 1 TiB scan collide is below 2^-75, so equal hashes are
 * taken as equal contents without keeping the pages.
 */
public final class PageHash {
    /** The page size the scanner works in. */
    public static final int PAGE = 4096;

    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;
    private static final long P4 = 0x85EBCA77C2B2AE63L;

    private PageHash() {}

    /**
     * Hashes the page at {@code offset} of {@code buf} (which must be little-endian) into
     * {@code out[0]} (high) and {@code out[1]} (low).
     *
     * @return whether every byte of the page is zero
     */
    public static boolean hash(ByteBuffer buf, int offset, long[] out) {
        long a = P1, b = P2, c = P3, d = P4, any = 0;
        for (int i = offset, end = offset + PAGE; i < end; i += 32) {
            long v0 = buf.getLong(i), v1 = buf.getLong(i + 8), v2 = buf.getLong(i + 16), v3 = buf.getLong(i + 24);
            any |= v0 | v1 | v2 | v3;
            a = Long.rotateLeft(a + v0 * P2, 31) * P1;
            b = Long.rotateLeft(b + v1 * P2, 31) * P1;
            c = Long.rotateLeft(c + v2 * P2, 31) * P1;
            d = Long.rotateLeft(d + v3 * P2, 31) * P1;
        }
        out[0] = fmix(a ^ Long.rotateLeft(c, 17) ^ 0x2545F4914F6CDD1DL);
        out[1] = fmix(b ^ Long.rotateLeft(d, 41) ^ 0x61C8864680B583EBL);
        return any == 0;
    }

    /** MurmurHash3's 64-bit finalizer (Appleby). */
    static long fmix(long k) {
        k ^= k >>> 33;
        k *= 0xFF51AFD7ED558CCDL;
        k ^= k >>> 33;
        k *= 0xC4CEB9FE1A85EC53L;
        k ^= k >>> 33;
        return k;
    }
}
