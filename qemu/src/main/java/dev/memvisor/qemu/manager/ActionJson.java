package dev.memvisor.qemu.manager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memvisor.core.control.Action;

import java.util.ArrayList;
import java.util.List;

/**
 * The one JSON form of core's typed {@link Action}s in the decision log: {@code {"kind": "balloon",
 * "vm": "a", "balloonBytes": 67108864}}, {@code {"kind": "reclaim", "vm": "a", "targetBytes": ...,
 * "swapTargetBytes": ..., "compressionAllowed": ..., "blockAllocations": ...}}, {@code {"kind":
 * "sharing", "pagesPerSecond": 6404}}: the record's components under its kind, written and read
 * back by Jackson, so scripts and tests read actions as data.
 */
public final class ActionJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ActionJson() {}

    /** An action as a JSON object, its kind first. */
    public static ObjectNode write(Action a) {
        ObjectNode o = JSON.createObjectNode();
        o.put("kind", a.kind());
        o.setAll((ObjectNode) JSON.valueToTree(a));
        return o;
    }

    /**
     * An action read back from its JSON object.
     *
     * @throws IllegalArgumentException naming the kind or field that is not an action's
     */
    public static Action read(JsonNode o) {
        String kind = o.path("kind").asText("");
        Class<? extends Action> type = switch (kind) {
            case "balloon" -> Action.Balloon.class;
            case "reclaim" -> Action.HostReclaim.class;
            case "sharing" -> Action.SharingRate.class;
            default -> throw new IllegalArgumentException("action kind '" + kind + "': expected balloon, reclaim or sharing");
        };
        ObjectNode fields = ((ObjectNode) o).deepCopy();
        fields.remove("kind");
        try {
            return JSON.treeToValue(fields, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalArgumentException("action " + o + ": " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    /** Every action of a decision-log line's {@code actions} array. */
    public static List<Action> readAll(JsonNode decisionLine) {
        List<Action> out = new ArrayList<>();
        for (JsonNode a : decisionLine.path("actions")) out.add(read(a));
        return out;
    }
}
