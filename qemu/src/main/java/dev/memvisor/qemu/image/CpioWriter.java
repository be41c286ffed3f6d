package dev.memvisor.qemu.image;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a cpio archive in the "newc" format the Linux kernel unpacks as an initramfs, so an image
 * can be built without root and without the cpio tool. Format: Documentation/driver-api/early-userspace/buffer-format.rst.
 */
public final class CpioWriter implements AutoCloseable {
    private final OutputStream out;
    private long written;
    private int nextInode = 1;

    /** Writes to {@code out}; {@link #close()} adds the trailer and closes it. */
    public CpioWriter(OutputStream out) {
        this.out = out;
    }

    /** Adds a directory. */
    public void directory(String path) throws IOException {
        entry(path, 0040755, new byte[0], 0, 0);
    }

    /** Adds a regular file with these permission bits (for example 0755). */
    public void file(String path, int perms, byte[] data) throws IOException {
        entry(path, 0100000 | perms, data, 0, 0);
    }

    /** Adds a symbolic link. */
    public void symlink(String path, String target) throws IOException {
        entry(path, 0120777, target.getBytes(StandardCharsets.UTF_8), 0, 0);
    }

    /** Adds a character device node, such as /dev/console (5, 1). */
    public void charDevice(String path, int perms, int major, int minor) throws IOException {
        entry(path, 0020000 | perms, new byte[0], major, minor);
    }

    private void entry(String path, int mode, byte[] data, int rdevMajor, int rdevMinor) throws IOException {
        byte[] name = (path + "\0").getBytes(StandardCharsets.UTF_8);
        boolean trailer = path.equals("TRAILER!!!");
        int nlink = (mode & 0170000) == 0040000 ? 2 : 1;
        String header = "070701" + hex(trailer ? 0 : nextInode++) + hex(mode) + hex(0) + hex(0) + hex(trailer ? 1 : nlink)
                + hex(0) + hex(data.length) + hex(0) + hex(0) + hex(rdevMajor) + hex(rdevMinor) + hex(name.length) + hex(0);
        write(header.getBytes(StandardCharsets.US_ASCII));
        write(name);
        pad();
        write(data);
        pad();
    }

    private static String hex(long v) {
        return String.format("%08x", v);
    }

    private void write(byte[] b) throws IOException {
        out.write(b);
        written += b.length;
    }

    private void pad() throws IOException {
        while (written % 4 != 0) write(new byte[1]);
    }

    /** Writes the trailer entry and closes the stream. */
    @Override
    public void close() throws IOException {
        entry("TRAILER!!!", 0, new byte[0], 0, 0);
        out.close();
    }
}
