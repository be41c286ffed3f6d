package dev.memvisor.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lines over time: an elapsed-time axis (simulated or measured seconds, ticks at round durations)
 * or a wall-clock axis in UTC; one unit for the y axis; optional background bands for the host
 * memory state, with a legend. Missing values (NaN) are gaps.
 */
public final class TimeChart implements Chart {
    /** Band colours by state name, the same in every report whatever a state's number; other names take the spare ones. */
    static final Map<String, String> BAND_COLORS = Map.of("clear", "#e8f1fb", "soft", "#fff1c2", "hard", "#ffd6a8", "low", "#ffb0b0");
    private static final String[] SPARE_COLORS = {"#e6e6fa", "#d8f0d8", "#f0e0f0", "#e0e0e0"};
    private static final int MAX_STATES = 8;

    private final String title;
    private final String unit;
    private final boolean epoch;
    private final double[] x;
    private final List<Object[]> series = new ArrayList<>();
    private double[] bands;
    private List<String> bandNames;

    private TimeChart(String title, String unit, boolean epoch, double[] x) {
        this.title = title;
        this.unit = unit;
        this.epoch = epoch;
        this.x = x.clone();
    }

    /** A chart over elapsed seconds since the start of a run. */
    public static TimeChart elapsed(String title, String unit, double[] seconds) {
        return new TimeChart(title, unit, false, seconds);
    }

    /** A chart over wall-clock times (milliseconds since the epoch), labelled in UTC. */
    public static TimeChart wallClock(String title, String unit, long[] epochMillis) {
        double[] s = new double[epochMillis.length];
        for (int i = 0; i < s.length; i++) s[i] = epochMillis[i] / 1000.0;
        return new TimeChart(title, unit, true, s);
    }

    /** Adds a line; it must have one value per time (NaN for a gap). */
    public TimeChart series(String name, double[] values) {
        if (values.length != x.length) {
            throw new IllegalArgumentException("series " + name + " has " + values.length + " values for " + x.length + " times");
        }
        series.add(new Object[] {name, values.clone()});
        return this;
    }

    /**
     * Shades the background by state: {@code states[i]} is the state number at time i (0 = the normal
     * state, no band), {@code names.get(k)} the name of state k for the legend.
     */
    public TimeChart states(double[] states, List<String> names) {
        if (states.length != x.length) throw new IllegalArgumentException("states has " + states.length + " values for " + x.length + " times");
        if (names.size() > MAX_STATES) throw new IllegalArgumentException("at most " + MAX_STATES + " states");
        this.bands = states.clone();
        this.bandNames = List.copyOf(names);
        return this;
    }

    @Override public String title() { return title; }

    @Override
    public Map<String, Object> spec() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "time");
        m.put("title", title);
        m.put("unit", unit);
        m.put("axis", epoch ? "utc" : "elapsed");
        m.put("x", Json.numbers(x));
        List<Map<String, Object>> s = new ArrayList<>();
        for (Object[] e : series) s.add(Map.of("name", e[0], "values", Json.numbers((double[]) e[1])));
        m.put("series", s);
        if (bands != null) {
            m.put("bands", Json.numbers(bands));
            m.put("bandColors", bandColors());
        }
        return m;
    }

    /** The colour of each state's band, by state number; state 0 (the normal state) has none. */
    private List<String> bandColors() {
        List<String> c = new ArrayList<>();
        int spare = 0;
        for (int k = 0; k < bandNames.size(); k++) {
            String known = BAND_COLORS.get(bandNames.get(k));
            c.add(k == 0 ? "" : known != null ? known : SPARE_COLORS[spare++ % SPARE_COLORS.length]);
        }
        return c;
    }

    @Override
    public String footer() {
        if (bands == null) return "";
        StringBuilder b = new StringBuilder("<div class='bands'>background: ");
        boolean any = false;
        for (int k = 1; k < bandNames.size(); k++) {
            b.append("<span class='swatch' style='background:").append(bandColors().get(k)).append("'></span>").append(Html.escape(bandNames.get(k))).append(' ');
            any = true;
        }
        b.append("(").append(Html.escape(bandNames.get(0))).append(": none)");
        return any ? b.append("</div>").toString() : "";
    }
}
