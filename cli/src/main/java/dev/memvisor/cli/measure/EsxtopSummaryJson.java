package dev.memvisor.cli.measure;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memvisor.measure.esxtop.EntityReport;
import dev.memvisor.measure.esxtop.EsxtopAnalysis;
import dev.memvisor.measure.esxtop.EsxtopFlag;
import dev.memvisor.measure.esxtop.EsxtopMemoryState;
import dev.memvisor.measure.esxtop.EsxtopMetric;

import java.time.Instant;

/**
 * Builds summary.json of {@code analyze esxtop}: {@code {"host": {..., "memoryStateName": {"last", "worst"}, "freePctOfMinFree"},
 * "vms": [{"name", "last", "mean", "max", "flags"}], "warnings": [...]}}.
 */
final class EsxtopSummaryJson {
    private EsxtopSummaryJson() {}

    static ObjectNode build(ObjectMapper json, EsxtopAnalysis a) {
        ObjectNode root = json.createObjectNode();
        root.put("file", a.file());
        root.put("samples", a.times().length);
        if (a.times().length > 0) {
            root.put("start", Instant.ofEpochMilli(a.times()[0]).toString());
            root.put("end", Instant.ofEpochMilli(a.times()[a.times().length - 1]).toString());
        }
        number(root, "intervalSeconds", a.intervalSeconds());
        ObjectNode host = entity(json, a.host());
        EsxtopMemoryState last = a.lastMemoryState(), worst = a.worstMemoryState();
        if (last != null) {
            ObjectNode state = host.putObject("memoryStateName");
            state.put("last", last.id());
            state.put("worst", worst.id());
        }
        number(host, "freePctOfMinFree", a.lastFreePctOfMinFree());
        root.set("host", host);
        ArrayNode warnings = root.putArray("warnings");
        a.warnings().forEach(warnings::add);
        ArrayNode vms = root.putArray("vms");
        for (EntityReport vm : a.vms()) vms.add(entity(json, vm));
        return root;
    }

    private static ObjectNode entity(ObjectMapper json, EntityReport e) {
        ObjectNode o = json.createObjectNode();
        o.put("name", e.name());
        if (e.groupId() != null) {
            o.put("groupId", e.groupId());
            if (e.vcpus() > 0) o.put("vcpus", e.vcpus());
            else o.putNull("vcpus");
        }
        ObjectNode last = o.putObject("last"), mean = o.putObject("mean"), max = o.putObject("max");
        for (EsxtopMetric m : e.series().keySet()) {
            number(last, m.key(), e.last(m));
            number(mean, m.key(), e.mean(m));
            number(max, m.key(), e.max(m));
        }
        ArrayNode flags = o.putArray("flags");
        for (EsxtopFlag f : e.flags()) flags.add(f.id());
        return o;
    }

    private static void number(ObjectNode o, String key, double v) {
        if (Double.isNaN(v)) o.putNull(key);
        else o.put(key, Math.round(v * 1000) / 1000.0);
    }
}
