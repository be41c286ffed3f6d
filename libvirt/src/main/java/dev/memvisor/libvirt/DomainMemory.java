package dev.memvisor.libvirt;

/**
 * A running domain's memory as libvirt reports it (virDomainGetInfo, virDomainGetMaxMemory).
 *
 * @param maxMemoryBytes     the memory the guest was started with ({@code <memory>}); the balloon's ceiling
 * @param currentMemoryBytes the balloon's current target ({@code <currentMemory>}): max less the balloon
 */
public record DomainMemory(long maxMemoryBytes, long currentMemoryBytes) {
    /** The balloon's target size: what the guest is asked to give back. */
    public long balloonTargetBytes() {
        return Math.max(0, maxMemoryBytes - currentMemoryBytes);
    }
}
