package dev.memvisor.qemu.manager;

import dev.memvisor.core.InvalidSettingException;
import dev.memvisor.core.model.SharesLevel;
import dev.memvisor.core.model.VmSettings;

import java.nio.file.Path;

/**
 * One managed VM in host.yaml: its name, QMP socket and ESX-style memory settings.
 *
 * @param name             the VM's name
 * @param qmpSocket        its QEMU's QMP socket
 * @param memoryBytes      configured memory, or -1 to ask QEMU (query-memory-size-summary)
 * @param reservationBytes the floor the manager never balloons below
 * @param limitBytes       the ceiling, or -1 for the configured memory
 * @param shares           a level (low, normal, high) or a number
 * @param ballooning       whether the manager may inflate this VM's balloon
 */
public record VmConfig(String name, Path qmpSocket, long memoryBytes, long reservationBytes, long limitBytes,
                       String shares, boolean ballooning) {

    /** The VM's settings once its configured memory is known; messages name the VM and the field. */
    public VmSettings settings(long configuredBytes) {
        long limit = limitBytes < 0 ? configuredBytes : limitBytes;
        return new VmSettings(name, configuredBytes, reservationBytes, limit, shares(name, shares, configuredBytes), ballooning);
    }

    /**
     * ESX shares for a VM of {@code configuredBytes}: a level (low, normal, high: 5, 10, 20 per
     * configured MiB) or a number.
     *
     * @throws InvalidSettingException naming the VM when it is neither
     */
    public static long shares(String vm, String shares, long configuredBytes) {
        try {
            return switch (shares.toLowerCase(java.util.Locale.ROOT)) {
                case "low" -> SharesLevel.LOW.sharesFor(configuredBytes);
                case "normal" -> SharesLevel.NORMAL.sharesFor(configuredBytes);
                case "high" -> SharesLevel.HIGH.sharesFor(configuredBytes);
                default -> Long.parseLong(shares);
            };
        } catch (NumberFormatException e) {
            throw new InvalidSettingException("vm[" + vm + "].shares", shares, "low, normal, high or a number");
        }
    }
}
