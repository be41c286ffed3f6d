package dev.memvisor.density.real;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a guest's console (its first serial port) says: the paced workload's progress lines
 * ({@code mvload: t=<s> ops=<total> ...}, one a second) and the kernel's OOM-killer messages
 * ({@code Out of memory: Killed process N (mvload)}, mm/oom_kill.c; printed at KERN_ERR, so
 * {@code quiet} does not hide them).
 */
public final class GuestConsole {
    private static final Pattern PROGRESS = Pattern.compile("mvload: t=([0-9.]+) ops=(\\d+)");
    private static final Pattern OOM = Pattern.compile("Out of memory|oom-kill|Killed process");

    /** One progress line: the workload's time since it started and its operations so far. */
    public record Progress(double seconds, long ops) {}

    private GuestConsole() {}

    /** The last progress line among {@code lines}, if any. */
    public static Optional<Progress> lastProgress(List<String> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            Matcher m = PROGRESS.matcher(lines.get(i));
            if (m.find()) return Optional.of(new Progress(Double.parseDouble(m.group(1)), Long.parseLong(m.group(2))));
        }
        return Optional.empty();
    }

    /** The first OOM-killer line among {@code lines}, if any. */
    public static Optional<String> oomLine(List<String> lines) {
        return lines.stream().filter(l -> OOM.matcher(l).find()).findFirst();
    }

    /** Operations a second between two progress lines (0 when no time passed). */
    public static double rate(Progress from, Progress to) {
        double dt = to.seconds() - from.seconds();
        return dt <= 0 ? 0 : (to.ops() - from.ops()) / dt;
    }
}
