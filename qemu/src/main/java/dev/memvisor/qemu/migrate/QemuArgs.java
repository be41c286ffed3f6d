package dev.memvisor.qemu.migrate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A QEMU command line as a list of arguments, and the destination's command line derived from a
 * source's: the same machine and devices (migration needs them to match, QEMU docs/devel/migration)
 * with its own name, QMP socket and serial files, waiting with {@code -incoming defer}.
 */
public final class QemuArgs {
    private QemuArgs() {}

    /** The arguments of a running process from /proc/PID/cmdline. */
    public static List<String> ofProcess(Path procRoot, long pid) {
        Path f = procRoot.resolve(Long.toString(pid)).resolve("cmdline");
        try {
            String s = new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
            if (s.isEmpty()) throw new IllegalArgumentException(f + " is empty: process " + pid + " exited?");
            return Arrays.asList(s.split("\0"));
        } catch (IOException e) {
            throw new IllegalArgumentException(f + ": cannot read (" + e.getMessage() + "); process " + pid + " exited?", e);
        }
    }

    /**
     * The destination's arguments: the source's, with {@code -name}, {@code -qmp} and file serial
     * ports moved into {@code dir}, any {@code -incoming}, {@code -daemonize} and {@code -pidfile}
     * dropped, and {@code -incoming defer} added (the URI comes later through migrate-incoming).
     */
    public static List<String> destination(List<String> source, String name, Path dir) {
        return destination(source, name, dir, "defer");
    }

    /** As {@link #destination(List, String, Path)}, waiting with {@code -incoming incoming} (a URI, or defer). */
    public static List<String> destination(List<String> source, String name, Path dir, String incoming) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < source.size(); i++) {
            String a = source.get(i);
            boolean hasValue = i + 1 < source.size();
            switch (a) {
                case "-name" -> { out.add(a); out.add(renamed(hasValue ? source.get(++i) : "", name)); }
                case "-qmp" -> { out.add(a); out.add("unix:" + dir.resolve("qmp.sock") + ",server=on,wait=off"); i++; }
                case "-serial" -> {
                    out.add(a);
                    String v = hasValue ? source.get(++i) : "";
                    if (v.startsWith("file:")) {
                        String base = Path.of(v.substring(5)).getFileName().toString();
                        out.add("file:" + dir.resolve(base));
                    } else {
                        out.add(v.equals("stdio") ? "null" : v);
                    }
                }
                case "-incoming", "-pidfile" -> i++;
                case "-daemonize" -> { }
                default -> out.add(a);
            }
        }
        out.add("-incoming");
        out.add(incoming);
        return out;
    }

    /**
     * A {@code -name} value with the guest name replaced and its options (such as
     * {@code debug-threads=on}, which names the vCPU threads) kept: {@code NAME[,opts]} or {@code guest=NAME[,opts]}.
     */
    static String renamed(String value, String name) {
        int comma = value.indexOf(',');
        String first = comma < 0 ? value : value.substring(0, comma);
        String rest = comma < 0 ? "" : value.substring(comma);
        return (first.startsWith("guest=") ? "guest=" : "") + name + rest;
    }

    /** Whether the command line has a virtio-balloon device with free-page-hint on. */
    public static boolean hasFreePageHint(List<String> args) {
        for (int i = 0; i + 1 < args.size(); i++) {
            if (args.get(i).equals("-device") && args.get(i + 1).startsWith("virtio-balloon")
                    && args.get(i + 1).contains("free-page-hint=on")) return true;
        }
        return false;
    }
}
