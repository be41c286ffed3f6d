package dev.memvisor.report;

import java.util.Map;

/** A chart of a report: rendered by uPlot in the browser from the data it carries. */
public sealed interface Chart permits TimeChart, BarChart {

    /** The chart's title. */
    String title();

    /** The data and options the page's script draws the chart from (a JSON-ready map). */
    Map<String, Object> spec();

    /** HTML shown under the chart (a legend of state bands), or empty. */
    default String footer() { return ""; }
}
