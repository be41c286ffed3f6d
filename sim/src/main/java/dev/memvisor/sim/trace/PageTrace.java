package dev.memvisor.sim.trace;

/**
 * A page reference trace, pages renumbered densely in order of first use.
 *
 * @param refs  references encoded {@code page << 1 | write}
 * @param pages distinct pages
 */
public record PageTrace(int[] refs, int pages) {}
