package dev.memvisor.qemu.qmp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads QMP's newline-terminated JSON messages with a bound on their length. Hand-written because
 * {@link java.io.BufferedReader#readLine()} buffers a line without limit: a peer that never sends a
 * newline would fill the heap. QMP ends each message with CR LF (docs/interop/qmp-spec.rst); the
 * CR is dropped with the rest of the trailing white space by the JSON parser, so only LF matters.
 */
final class QmpLineReader implements AutoCloseable {
    private final InputStream in;
    private final int maxBytes;
    private final String peer;
    private final byte[] buf = new byte[8192];
    private int pos;
    private int end;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    /** A reader of {@code in} taking messages of at most {@code maxBytes}; {@code peer} names it in errors. */
    QmpLineReader(InputStream in, int maxBytes, String peer) {
        this.in = in;
        this.maxBytes = maxBytes;
        this.peer = peer;
    }

    /**
     * The next message without its line end, or null at the end of the stream.
     *
     * @throws QmpProtocolException when a message exceeds the bound (the caller drops the peer)
     */
    String readLine() throws IOException {
        line.reset();
        while (true) {
            if (pos == end) {
                end = in.read(buf);
                pos = 0;
                if (end <= 0) {
                    end = 0;
                    return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
                }
            }
            int start = pos;
            while (pos < end && buf[pos] != '\n') pos++;
            int n = pos - start;
            if (line.size() + n > maxBytes) {
                throw new QmpProtocolException(peer + ": a message longer than " + (maxBytes >> 20)
                        + " MiB without a line end; dropping the peer (not QEMU, or broken)");
            }
            line.write(buf, start, n);
            if (pos < end) {
                pos++; // the newline
                return line.toString(StandardCharsets.UTF_8);
            }
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
