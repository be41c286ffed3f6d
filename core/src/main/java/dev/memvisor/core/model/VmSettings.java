package dev.memvisor.core.model;

import dev.memvisor.core.InvalidSettingException;
import dev.memvisor.core.unit.Size;

import java.util.Objects;

/**
 * A VM's memory settings, as ESX has them.
 *
 * @param name             the VM's name
 * @param configuredBytes  the memory the guest believes it has
 * @param reservationBytes the floor: never reclaimed below it
 * @param limitBytes       the ceiling: never granted above it
 * @param shares           relative priority when memory is short
 * @param ballooning       whether the VM has a balloon driver the host may use
 */
public record VmSettings(String name, long configuredBytes, long reservationBytes, long limitBytes,
                         long shares, boolean ballooning) {

    /** Validates 0 <= reservation <= limit <= configured and shares > 0. */
    public VmSettings {
        if (name == null || name.isBlank()) throw new InvalidSettingException("vm.name", name, "a non-empty name");
        String p = "vm[" + name + "].";
        if (configuredBytes <= 0) throw new InvalidSettingException(p + "memory", configuredBytes, "a size > 0");
        if (reservationBytes < 0) throw new InvalidSettingException(p + "reservation", reservationBytes, "a size >= 0");
        if (limitBytes > configuredBytes) {
            throw new InvalidSettingException(p + "limit", Size.format(limitBytes),
                    "at most the configured memory " + Size.format(configuredBytes));
        }
        if (reservationBytes > limitBytes) {
            throw new InvalidSettingException(p + "reservation", Size.format(reservationBytes),
                    "at most the limit " + Size.format(limitBytes));
        }
        if (shares <= 0) throw new InvalidSettingException(p + "shares", shares, "a number > 0");
    }

    /** Settings with ESX defaults: no reservation, limit = configured, normal shares, ballooning on. */
    public static VmSettings of(String name, long configuredBytes) {
        Objects.requireNonNull(name, "name");
        if (configuredBytes <= 0) throw new InvalidSettingException("vm[" + name + "].memory", configuredBytes, "a size > 0");
        return new VmSettings(name, configuredBytes, 0, configuredBytes,
                SharesLevel.NORMAL.sharesFor(configuredBytes), true);
    }

    /** A copy with this reservation. */
    public VmSettings withReservation(long bytes) {
        return new VmSettings(name, configuredBytes, bytes, limitBytes, shares, ballooning);
    }

    /** A copy with this limit. */
    public VmSettings withLimit(long bytes) {
        return new VmSettings(name, configuredBytes, reservationBytes, bytes, shares, ballooning);
    }

    /** A copy with these shares. */
    public VmSettings withShares(long s) {
        return new VmSettings(name, configuredBytes, reservationBytes, limitBytes, s, ballooning);
    }

    /** A copy with ballooning on or off. */
    public VmSettings withBallooning(boolean on) {
        return new VmSettings(name, configuredBytes, reservationBytes, limitBytes, shares, on);
    }

    /** The most this VM may ever be granted: the smaller of its limit and configured size. */
    public long ceilingBytes() {
        return Math.min(limitBytes, configuredBytes);
    }
}
