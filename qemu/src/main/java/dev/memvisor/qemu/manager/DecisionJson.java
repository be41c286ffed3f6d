package dev.memvisor.qemu.manager;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memvisor.core.model.VmPlan;
import dev.memvisor.core.model.VmView;
import dev.memvisor.qemu.act.CgroupSetting;

import java.time.Instant;

/** Renders a {@link Decision} as one JSON line of the decision log (format documented in the README). */
public final class DecisionJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DecisionJson() {}

    /** The decision as a single-line JSON object; sizes in bytes, esxtop names for per-VM counters. */
    public static String line(Decision d, String policy, Instant wall) {
        ObjectNode o = JSON.createObjectNode();
        o.put("time", wall.toString());
        o.put("tMs", d.view().timeMillis());
        o.put("policy", policy);
        o.put("trigger", d.trigger().jsonName());
        o.put("state", d.plan().state().name());
        ObjectNode h = o.putObject("host");
        h.put("machine", d.view().machineBytes());
        h.put("free", d.view().freeBytes());
        h.put("memAvailable", d.memAvailableBytes());
        h.put("ksmPagesSharing", d.ksmPagesSharing());
        h.put("ksmScanPagesPerSecond", d.plan().sharingScanPagesPerSecond());
        h.put("psiSomeAvg10", d.psiSomeAvg10());
        h.put("pswpin", d.hostSwapInPages());
        h.put("pswpout", d.hostSwapOutPages());
        ArrayNode vms = o.putArray("vms");
        var plans = d.plan().byName();
        for (var e : d.samples().entrySet()) {
            VmSample s = e.getValue();
            VmView v = s.view();
            VmPlan p = plans.get(e.getKey());
            ObjectNode n = vms.addObject();
            n.put("name", e.getKey());
            n.put("up", true);
            n.put("MEMSZ", v.settings().configuredBytes());
            n.put("RESV", v.settings().reservationBytes());
            n.put("LIMIT", v.settings().limitBytes());
            n.put("SHARES", v.settings().shares());
            n.put("GRANT", v.grantedBytes());
            n.put("CONSUMED", v.consumedBytes());
            n.put("MCTLSZ", v.balloonBytes());
            n.put("MCTLTGT", p == null ? 0 : p.balloonTargetBytes());
            n.put("TARGET", p == null ? 0 : p.targetBytes());
            n.put("SWCUR", v.swappedBytes());
            n.put("SHRD", s.sharedBytes());
            n.put("ACTV", v.activeBytes());
            n.put("actual", s.actualBytes());
            n.put("guestTotal", s.guestTotalBytes());
            n.put("guestFree", v.guestFreeBytes());
            n.put("guestUsed", v.guestUsedBytes());
            n.put("vcpuTicks", s.vcpuTicks());
            n.put("SWTGT", p == null ? 0 : p.swapTargetBytes());
            n.put("blocked", p != null && p.blockAllocations());
            CgroupSetting cg = d.cgroups().get(e.getKey());
            if (cg != null) {
                ObjectNode c = n.putObject("cgroup");
                c.put("mode", cg.mode());
                c.put("limit", cg.limitBytes());
                c.put("high", cg.highBytes() == CgroupSetting.NONE ? -1 : cg.highBytes());
            }
            n.put("reason", p == null ? "" : p.reason());
        }
        for (var e : d.errors().entrySet()) {
            if (e.getKey().equals("(ksm)")) {
                h.put("ksmError", e.getValue());
                continue;
            }
            if (d.samples().containsKey(e.getKey())) continue;
            ObjectNode n = vms.addObject();
            n.put("name", e.getKey());
            n.put("up", false);
            n.put("error", e.getValue());
        }
        ArrayNode acts = o.putArray("actions");
        d.actions().forEach(acts::add);
        o.put("managerCpuMs", d.managerCpuNanos() / 1e6);
        o.put("stepMs", d.stepNanos() / 1e6);
        if (d.balloonSentNanos() >= 0) o.put("balloonSentMs", d.balloonSentNanos() / 1e6);
        return o.toString();
    }
}
