package dev.memvisor.cli.fidelity;

import java.util.Locale;

/**
 * One row of the fidelity table as measured: the published figure, the simulated one, the relative error and the
 * verdict against the row's band.
 *
 * @param id        the row's name
 * @param source    where the result is published
 * @param claim     what the source says
 * @param published the published figure
 * @param unit      what follows a figure (x, %, MB)
 * @param low       the band's lower end
 * @param high      the band's upper end
 * @param simulated the simulated figure
 * @param expect    pass, or miss for a known miss
 * @param why       why a known miss misses
 */
public record FidelityRow(String id, String source, String claim, double published, String unit, double low, double high,
                          double simulated, String expect, String why) {

    /** Whether the simulated figure is inside the band. */
    public boolean inBand() { return simulated >= low && simulated <= high; }

    /** (simulated - published) / published. */
    public double error() { return (simulated - published) / published; }

    /** Whether the row came out as the manifest expects (in band, or out of it for a known miss). */
    public boolean asExpected() { return inBand() == !"miss".equals(expect); }

    /** pass, MISS, miss (known) or pass (known miss now in band: the manifest wants updating). */
    public String verdict() {
        if ("miss".equals(expect)) return inBand() ? "pass (was a known miss: update the manifest)" : "miss (known)";
        return inBand() ? "pass" : "MISS";
    }

    /** A figure with the row's unit: 3.02x, 67.1 %, 612 MB. */
    public String show(double v) {
        if (!Double.isFinite(v)) return String.valueOf(v);
        return switch (unit) {
            case "%" -> String.format(Locale.ROOT, "%.1f %%", 100 * v);
            case "x" -> String.format(Locale.ROOT, "%.2fx", v);
            case "" -> String.format(Locale.ROOT, "%.3g", v);
            default -> String.format(Locale.ROOT, "%.0f %s", v, unit);
        };
    }

    /** The band as the table shows it. */
    public String band() {
        return show(low) + " - " + (Double.isInfinite(high) ? "inf" : show(high));
    }
}
