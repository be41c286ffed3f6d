package dev.memvisor.sim.trace;

import java.nio.file.Path;

/** SPEC CPU memory address traces ({@code op address gap}, e.g. {@code s 0x1fffff50 1}); {@code s} is a store; 4 KiB pages. */
public final class AddressTraceReader extends TextTraceReader {
    private final PageTraceBuilder b = new PageTraceBuilder();

    /** Reads the trace in {@code file}. */
    public static PageTrace load(Path file, long maxRefs) {
        AddressTraceReader r = new AddressTraceReader();
        r.readLines(file, maxRefs);
        return r.b.build();
    }

    @Override
    protected void line(String line, long nr) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 2 || !f[1].startsWith("0x")) throw bad(nr, line, "'op 0xADDRESS gap' such as 's 0x1fffff50 1'");
        long addr;
        try {
            addr = Long.parseUnsignedLong(f[1].substring(2), 16);
        } catch (NumberFormatException e) {
            throw bad(nr, line, "a hexadecimal address");
        }
        b.add(addr >>> 12, f[0].equals("s"));
    }
}
