package dev.memvisor.qemu.scan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Guest memory to scan: one readable file (a raw dump, an ELF dump written by QMP
 * {@code dump-guest-memory}, or a QEMU process's /proc/PID/mem) and the byte ranges in it that hold
 * guest RAM. Closing it closes the file.
 */
public final class MemorySource implements AutoCloseable {
    /**
     * A range of guest RAM in the file.
     *
     * @param offset where it starts in the file
     * @param length its length in bytes
     */
    public record Segment(long offset, long length) {}

    private final String name;
    private final Path file;
    private final FileChannel channel;
    private final List<Segment> segments;

    MemorySource(String name, Path file, FileChannel channel, List<Segment> segments) {
        this.name = name;
        this.file = file;
        this.channel = channel;
        this.segments = List.copyOf(segments);
    }

    /**
     * A dump file: an ELF core (its PT_LOAD segments are the guest's RAM, as QMP
     * {@code dump-guest-memory} writes with paging off) or, without the ELF magic, raw memory.
     *
     * @throws IllegalArgumentException naming the file when it cannot be read or its ELF headers are broken
     */
    public static MemorySource ofFile(Path file) {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        try {
            long size = ch.size();
            ByteBuffer head = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(head, 0);
            boolean elf = size >= 64 && head.get(0) == 0x7f && head.get(1) == 'E' && head.get(2) == 'L' && head.get(3) == 'F';
            List<Segment> segs = elf ? elfLoadSegments(file, ch, head, size) : List.of(new Segment(0, size));
            return new MemorySource(file.getFileName().toString(), file, ch, segs);
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            if (e instanceof IllegalArgumentException iae) throw iae;
            throw new IllegalArgumentException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** ELF64 little-endian program headers (System V gABI): the file ranges of PT_LOAD entries. */
    private static List<Segment> elfLoadSegments(Path file, FileChannel ch, ByteBuffer h, long size) throws IOException {
        if (h.get(4) != 2 || h.get(5) != 1) throw new IllegalArgumentException(file + ": an ELF file, but not 64-bit little-endian (class " + h.get(4) + ", data " + h.get(5) + ")");
        long phoff = h.getLong(0x20);
        int phentsize = Short.toUnsignedInt(h.getShort(0x36));
        int phnum = Short.toUnsignedInt(h.getShort(0x38));
        if (phnum == 0xffff) throw new IllegalArgumentException(file + ": ELF with more than 65534 program headers (PN_XNUM) is not supported");
        if (phentsize < 56 || phoff <= 0 || phoff + (long) phentsize * phnum > size) {
            throw new IllegalArgumentException(file + ": ELF program header table (offset " + phoff + ", " + phnum + " x " + phentsize + " bytes) lies outside the file of " + size + " bytes");
        }
        ByteBuffer ph = ByteBuffer.allocate(phentsize * phnum).order(ByteOrder.LITTLE_ENDIAN);
        ch.read(ph, phoff);
        List<Segment> out = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int b = i * phentsize;
            if (ph.getInt(b) != 1) continue; // PT_LOAD
            long off = ph.getLong(b + 8), filesz = ph.getLong(b + 32);
            if (off < 0 || filesz < 0 || off + filesz > size) {
                throw new IllegalArgumentException(file + ": ELF PT_LOAD #" + i + " (offset " + off + ", " + filesz + " bytes) lies outside the file of " + size + " bytes; truncated dump?");
            }
            if (filesz > 0) out.add(new Segment(off, filesz));
        }
        if (out.isEmpty()) throw new IllegalArgumentException(file + ": ELF file without PT_LOAD segments; not a memory dump");
        return out;
    }

    /**
     * The guest RAM of a running QEMU process, read through /proc/PID/mem (ptrace access needed:
     * root or the same user). The RAM is the anonymous read-write mapping in /proc/PID/maps of the
     * guest's size (the smallest one at least that large).
     */
    public static MemorySource ofProcess(Path procRoot, long pid, long ramBytes, String name) {
        Path dir = procRoot.resolve(Long.toString(pid));
        GuestRamMapping m = GuestRamMapping.find(dir.resolve("maps"), ramBytes);
        try {
            FileChannel ch = FileChannel.open(dir.resolve("mem"), StandardOpenOption.READ);
            return new MemorySource(name, dir.resolve("mem"), ch, List.of(new Segment(m.start(), Math.min(ramBytes, m.length()))));
        } catch (IOException e) {
            throw new IllegalArgumentException(dir.resolve("mem") + ": cannot open (" + e.getMessage() + "); reading another process's memory needs root or ptrace rights", e);
        }
    }

    /** A short name for reports. */
    public String name() { return name; }

    /** The file read. */
    public Path file() { return file; }

    /** The guest RAM ranges. */
    public List<Segment> segments() { return segments; }

    /** The guest RAM bytes in all segments. */
    public long sizeBytes() { return segments.stream().mapToLong(Segment::length).sum(); }

    /** Reads up to {@code dst.remaining()} bytes at file offset {@code pos}; -1 at end of file. */
    int read(ByteBuffer dst, long pos) {
        try {
            return channel.read(dst, pos);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": read failed at offset " + pos + " (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing a read-only file
        }
    }
}
