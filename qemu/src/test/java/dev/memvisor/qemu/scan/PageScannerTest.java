package dev.memvisor.qemu.scan;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The scanner over constructed dumps whose zero and duplicate counts are known. */
class PageScannerTest {
    @TempDir Path dir;

    /** A page filled from a seed; seed 0 is the zero page. */
    static byte[] page(int seed) {
        byte[] p = new byte[PageHash.PAGE];
        if (seed == 0) return p;
        long x = seed * 0x9E3779B97F4A7C15L;
        for (int i = 0; i < p.length; i++) {
            x ^= x << 13; x ^= x >>> 7; x ^= x << 17;
            p[i] = (byte) x;
        }
        return p;
    }

    static byte[] pages(int... seeds) {
        ByteBuffer b = ByteBuffer.allocate(seeds.length * PageHash.PAGE);
        for (int s : seeds) b.put(page(s));
        return b.array();
    }

    @Test
    void countsZeroAndDuplicatePagesOfARawDump() throws IOException {
        Path f = dir.resolve("raw.bin");
        Files.write(f, pages(0, 1, 2, 1, 0, 3, 1, 0));
        PageScanner s = new PageScanner(16);
        try (MemorySource src = MemorySource.ofFile(f)) {
            GuestScan g = s.scan(src, null);
            assertThat(g.pages()).isEqualTo(8);
            assertThat(g.zeroPages()).isEqualTo(3);
            assertThat(g.distinctNonZero()).isEqualTo(3);
            assertThat(g.duplicatePages()).isEqualTo(2);
        }
        assertThat(s.summary().sharablePages()).isEqualTo(8 - 3 - 1);
    }

    @Test
    void aPageDifferingInOneByteIsNotADuplicate() throws IOException {
        byte[] a = page(7), b = page(7);
        b[4000] ^= 1;
        Path f = dir.resolve("near.bin");
        Files.write(f, ByteBuffer.allocate(2 * PageHash.PAGE).put(a).put(b).array());
        PageScanner s = new PageScanner(4);
        try (MemorySource src = MemorySource.ofFile(f)) {
            assertThat(s.scan(src, null).duplicatePages()).isZero();
        }
    }

    @Test
    void readsOnlyThePtLoadSegmentsOfAnElfDump() throws IOException {
        // headers and notes (which would count as pages) then two PT_LOAD segments: 3 pages and 2 pages
        byte[] seg1 = pages(5, 0, 5), seg2 = pages(6, 5);
        long off1 = 8192, off2 = off1 + seg1.length + 4096;
        ByteBuffer b = ByteBuffer.allocate((int) (off2 + seg2.length)).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
        b.putLong(0x20, 64).putShort(0x36, (short) 56).putShort(0x38, (short) 3);
        phdr(b, 64, 4, 1024, 100);           // PT_NOTE: not RAM
        phdr(b, 64 + 56, 1, off1, seg1.length);
        phdr(b, 64 + 112, 1, off2, seg2.length);
        b.put(1024, page(9), 0, 100);
        b.put((int) off1, seg1).put((int) off2, seg2);
        b.put((int) (off1 + seg1.length), page(5)); // between segments: must be skipped
        Path f = dir.resolve("dump.elf");
        Files.write(f, b.array());
        PageScanner s = new PageScanner(16);
        try (MemorySource src = MemorySource.ofFile(f)) {
            assertThat(src.segments()).hasSize(2);
            GuestScan g = s.scan(src, null);
            assertThat(g.pages()).isEqualTo(5);
            assertThat(g.zeroPages()).isEqualTo(1);
            assertThat(g.distinctNonZero()).isEqualTo(2);
            assertThat(g.duplicatePages()).isEqualTo(2);
        }
    }

    private static void phdr(ByteBuffer b, int at, int type, long off, long size) {
        b.putInt(at, type).putLong(at + 8, off).putLong(at + 32, size).putLong(at + 40, size);
    }

    @Test
    void aTruncatedElfDumpIsRejectedNamingTheFileAndSegment() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
        b.putLong(0x20, 64).putShort(0x36, (short) 56).putShort(0x38, (short) 1);
        phdr(b, 64, 1, 1024, 1 << 20);
        Path f = dir.resolve("cut.elf");
        Files.write(f, b.array());
        assertThatThrownBy(() -> MemorySource.ofFile(f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cut.elf").hasMessageContaining("PT_LOAD #0").hasMessageContaining("truncated");
        assertThatThrownBy(() -> MemorySource.ofFile(dir.resolve("missing.bin")))
                .hasMessageContaining("missing.bin").hasMessageContaining("cannot read");
    }

    @Test
    void countsPagesSharedAcrossGuests() throws IOException {
        Path a = dir.resolve("a.bin"), b = dir.resolve("b.bin");
        Files.write(a, pages(1, 2, 2, 3, 0));
        Files.write(b, pages(2, 3, 4, 4, 0));
        PageScanner s = new PageScanner(16);
        try (MemorySource sa = MemorySource.ofFile(a); MemorySource sb = MemorySource.ofFile(b)) {
            s.scan(sa, null);
            GuestScan gb = s.scan(sb, null);
            assertThat(gb.distinctNonZero()).isEqualTo(3);
            assertThat(gb.duplicatePages()).isEqualTo(1);
        }
        ScanSummary sum = s.summary();
        assertThat(sum.distinctNonZero()).isEqualTo(4);      // 1 2 3 4
        assertThat(sum.crossGuestPages()).isEqualTo(2);      // 2 and 3 also in b
        assertThat(sum.sharablePages()).isEqualTo(10 - 4 - 1);
    }

    @Test
    void findsTheGuestRamMappingInProcMaps() {
        List<String> maps = List.of(
                "55d0c0000000-55d0c0100000 r-xp 00000000 08:01 1234 /usr/bin/qemu-system-x86_64",
                "7f0000000000-7f0020000000 rw-p 00000000 00:00 0 ",
                "7f0020000000-7f0020200000 rw-p 00000000 00:00 0",
                "7f1000000000-7f1040000000 rw-p 00000000 00:00 0",
                "7f2000000000-7f2020000000 r--p 00000000 00:00 0",
                "7f3000000000-7f3040000000 rw-s 00000000 00:05 77 /memfd:foo (deleted)");
        assertThat(GuestRamMapping.parse(maps, 512L << 20)).contains(new GuestRamMapping(0x7f0000000000L, 512L << 20));
        assertThat(GuestRamMapping.parse(maps, 600L << 20)).contains(new GuestRamMapping(0x7f1000000000L, 1L << 30));
        assertThat(GuestRamMapping.parse(maps, 2L << 30)).isEmpty();
    }

    @Property(tries = 60)
    void countsMatchASetOfContents(@ForAll @Size(min = 1, max = 200) List<@IntRange(min = 0, max = 12) Integer> seeds,
                                   @ForAll @IntRange(min = 0, max = 199) int split) throws IOException {
        int cut = Math.min(split, seeds.size());
        List<Integer> first = seeds.subList(0, cut), second = seeds.subList(cut, seeds.size());
        Path d = Files.createTempDirectory("scanprop");
        try {
            Path a = d.resolve("a"), b = d.resolve("b");
            Files.write(a, pages(first.stream().mapToInt(Integer::intValue).toArray()));
            Files.write(b, pages(second.stream().mapToInt(Integer::intValue).toArray()));
            PageScanner s = new PageScanner(8);
            try (MemorySource sa = MemorySource.ofFile(a); MemorySource sb = MemorySource.ofFile(b)) {
                s.scan(sa, null);
                s.scan(sb, null);
            }
            Set<Integer> all = new HashSet<>(seeds), sa = new HashSet<>(first), sb = new HashSet<>(second);
            all.remove(0); sa.remove(0); sb.remove(0);
            ScanSummary sum = s.summary();
            assertThat(sum.pages()).isEqualTo(seeds.size());
            assertThat(sum.zeroPages()).isEqualTo(seeds.stream().filter(x -> x == 0).count());
            assertThat(sum.distinctNonZero()).isEqualTo(all.size());
            assertThat(sum.crossGuestPages()).isEqualTo(sa.size() + sb.size() - all.size());
            assertThat(sum.guests().get(0).duplicatePages()).isEqualTo(first.stream().filter(x -> x != 0).count() - sa.size());
        } finally {
            try (var files = Files.list(d)) {
                for (Path p : (Iterable<Path>) files::iterator) Files.delete(p);
            }
            Files.delete(d);
        }
    }
}
