package dev.memvisor.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Horizontal bars: one row per category (a VM, a policy), one bar per series in each row, one unit. */
public final class BarChart implements Chart {
    private final String title;
    private final String unit;
    private final List<String> categories;
    private final List<Object[]> series = new ArrayList<>();

    /** Bars for these categories, top to bottom. */
    public BarChart(String title, String unit, List<String> categories) {
        this.title = title;
        this.unit = unit;
        this.categories = List.copyOf(categories);
    }

    /** Adds one bar per category (NaN: no bar). */
    public BarChart series(String name, double[] values) {
        if (values.length != categories.size()) {
            throw new IllegalArgumentException("series " + name + " has " + values.length + " values for " + categories.size() + " categories");
        }
        series.add(new Object[] {name, values.clone()});
        return this;
    }

    @Override public String title() { return title; }

    @Override
    public Map<String, Object> spec() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "bar");
        m.put("title", title);
        m.put("unit", unit);
        m.put("categories", categories);
        List<Map<String, Object>> s = new ArrayList<>();
        for (Object[] e : series) s.add(Map.of("name", e[0], "values", Json.numbers((double[]) e[1])));
        m.put("series", s);
        return m;
    }
}
