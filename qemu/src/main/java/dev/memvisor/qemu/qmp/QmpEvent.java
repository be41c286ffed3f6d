package dev.memvisor.qemu.qmp;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An asynchronous QMP event such as {@code BALLOON_CHANGE} or {@code SHUTDOWN}.
 *
 * @param name        the event name
 * @param data        its data object (an empty object when QEMU sent none)
 * @param epochMicros QEMU's timestamp in microseconds since the epoch
 */
public record QmpEvent(String name, JsonNode data, long epochMicros) {}
