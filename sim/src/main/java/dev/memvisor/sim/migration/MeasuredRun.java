package dev.memvisor.sim.migration;

/** One real migration's figures (a median of runs), as QEMU's {@code query-migrate} reported them. */
public record MeasuredRun(double transferredMiB, long totalMs, long downtimeMs, int iterations, long zeroPages) {}
