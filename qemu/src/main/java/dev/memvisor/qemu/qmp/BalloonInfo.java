package dev.memvisor.qemu.qmp;

/**
 * The answer of {@code query-balloon}.
 *
 * @param actualBytes the memory the guest currently has (its RAM less the balloon)
 */
public record BalloonInfo(long actualBytes) {}
