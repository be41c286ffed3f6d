package dev.memvisor.cli.measure;

import dev.memvisor.measure.pdh.CounterNames;
import dev.memvisor.measure.pdh.PerfLanguage;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * A VM's host and guest CPU files for correct-cpu tests, the guest written as perfmon writes it in any
 * language of the counter table: the host file is a plain CSV with 20 s intervals of the VM's real CPU; the
 * guest a PDH-CSV in UTC+02:00 with 15 s intervals, 2 processors, reporting half the real time, its first
 * process 2/3 of it and its second 1/3.
 */
final class PerfmonFixture {
    static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
    static final DateTimeFormatter PDH = DateTimeFormatter.ofPattern("MM/dd/yyyy HH:mm:ss.SSS", Locale.ROOT);
    /** The header field of an export in UTC+02:00 (bias -120). */
    static final String FLE = "(PDH-CSV 4.0) (FLE Standard Time)(-120)";

    private PerfmonFixture() {}

    /** The names of the columns, as one language writes them. */
    record Names(String processor, String processorTime, String process, String processTime, String memory, String availableMBytes) {
        /** Windows' English names. */
        static Names english() {
            return of(PerfLanguage.ENGLISH, 0);
        }

        /** The names {@code language} gives, the {@code variant}-th where it has several (0: the usual one); Memory null if it has none. */
        static Names of(PerfLanguage language, int variant) {
            List<String> mem = CounterNames.localizedObjects(language, "Memory");
            List<String> avail = CounterNames.localizedCounters(language, "Memory", "Available MBytes");
            return new Names(pick(CounterNames.localizedObjects(language, "Processor"), variant),
                    pick(CounterNames.localizedCounters(language, "Processor", "% Processor Time"), variant),
                    pick(CounterNames.localizedObjects(language, "Process"), variant),
                    pick(CounterNames.localizedCounters(language, "Process", "% Processor Time"), variant),
                    mem.isEmpty() || avail.isEmpty() ? null : pick(mem, variant), avail.isEmpty() ? null : pick(avail, variant));
        }

        private static String pick(List<String> names, int variant) {
            if (names.isEmpty()) throw new IllegalArgumentException("the counter table lacks a name");
            return names.get(Math.min(variant, names.size() - 1));
        }

        /** These names with objects and counters (not instances) passed through {@code f}, as a user may type them for typeperf. */
        Names map(java.util.function.UnaryOperator<String> f) {
            return new Names(f.apply(processor), f.apply(processorTime), f.apply(process), f.apply(processTime),
                    memory == null ? null : f.apply(memory), availableMBytes == null ? null : f.apply(availableMBytes));
        }
    }

    /**
     * Load of the VM in % of one processor at second s: 150 or 60, changing by the minute in a pseudo-random
     * pattern, so clocks can be aligned and no offset but the true one matches (a periodic load would also
     * match at multiples of its period).
     */
    static double load(int s) {
        long h = (s / 60 + 1) * 0x9E3779B97F4A7C15L;
        return ((h >>> 40) % 3) == 0 ? 150 : 60;
    }

    /** Host: plain CSV {@code time,vm1,other}, every 20 s for {@code minutes}. */
    static String hostCsv(int minutes) {
        StringBuilder host = new StringBuilder("time,vm1,other\n");
        for (int t = 0; t <= minutes * 60; t += 20) {
            double avg = 0;
            for (int s = t - 20; s < t; s++) avg += load(Math.max(s, 0)) / 20;
            host.append(T0.plusSeconds(t)).append(',').append(String.format(Locale.ROOT, "%.4f", avg)).append(",1\n");
        }
        return host.toString();
    }

    /**
     * Guest: a perfmon export with first header field {@code firstField}, the given names and two processes; its
     * clock {@code skew} s behind; a Memory column if {@code memory} and the names have one.
     */
    static String guestCsv(int minutes, int skew, String firstField, Names n, String process1, String process2, boolean memory) {
        boolean mem = memory && n.memory() != null;
        StringBuilder g = new StringBuilder("\"" + firstField + "\"");
        for (String inst : new String[] {"0", "1", "_Total"}) g.append(",\"\\\\G\\").append(n.processor()).append('(').append(inst).append(")\\").append(n.processorTime()).append('"');
        for (String p : new String[] {process1, process2}) g.append(",\"\\\\G\\").append(n.process()).append('(').append(p).append(")\\").append(n.processTime()).append('"');
        if (mem) g.append(",\"\\\\G\\").append(n.memory()).append('\\').append(n.availableMBytes()).append('"');
        g.append('\n');
        for (int t = 0; t <= minutes * 60; t += 15) {
            double avg = 0;
            for (int s = t - 15; s < t; s++) avg += load(Math.max(s, 0)) / 15;
            double reported = avg * 0.5;
            LocalDateTime local = LocalDateTime.ofInstant(T0.plusSeconds(t - skew), ZoneOffset.ofHours(2));
            if (t == 0) { // perfmon has no value before its second sample
                g.append('"').append(PDH.format(local)).append("\",\" \",\" \",\" \",\" \",\" \"").append(mem ? ",\"2048\"" : "").append('\n');
                continue;
            }
            g.append(String.format(Locale.ROOT, "\"%s\",\"%.4f\",\"%.4f\",\"%.4f\",\"%.4f\",\"%.4f\"", PDH.format(local),
                    reported / 2, reported / 2, reported / 2, reported * 2 / 3, reported / 3));
            g.append(mem ? ",\"2048\"" : "").append('\n');
        }
        return g.toString();
    }
}
