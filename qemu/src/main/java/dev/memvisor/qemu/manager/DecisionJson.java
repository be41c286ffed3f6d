package dev.memvisor.qemu.manager;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memvisor.core.control.ControlDecision;
import dev.memvisor.core.counter.Counter;
import dev.memvisor.core.model.VmPlan;
import dev.memvisor.core.model.VmView;
import dev.memvisor.qemu.act.CgroupSetting;

import java.time.Instant;
import java.util.Map;

/** Renders a {@link Decision} as one JSON line of the decision log (format documented in the README). */
public final class DecisionJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DecisionJson() {}

    /** The decision as a single-line JSON object; sizes in bytes, esxtop names for per-VM counters, actions as {@link ActionJson}. */
    public static String line(Decision d, String policy, Instant wall) {
        return line(d, policy, wall, false);
    }

    /** As {@link #line(Decision, String, Instant)}, marked {@code "dryRun": true} when the actions were planned and not carried out. */
    public static String line(Decision d, String policy, Instant wall, boolean dryRun) {
        ObjectNode o = JSON.createObjectNode();
        o.put("time", wall.toString());
        if (dryRun) o.put("dryRun", true);
        o.put("tMs", d.view().timeMillis());
        o.put("policy", policy);
        o.put("trigger", d.trigger().label());
        o.put("state", d.plan().state().name());
        Observation obs = d.observation();
        HostReadings hr = obs.host();
        ObjectNode h = o.putObject("host");
        h.put("machine", d.view().machineBytes());
        h.put("free", d.view().freeBytes());
        h.put("memAvailable", hr.memInfo().availableBytes());
        h.put("ksmPagesSharing", hr.ksmPagesSharing());
        h.put("ksmPagesShared", hr.ksmPagesShared());
        h.put("ksmScanPagesPerSecond", d.plan().sharingScanPagesPerSecond());
        if (d.effects().ksm() != null) {
            ObjectNode k = h.putObject("ksm");
            k.put("run", d.effects().ksm().run());
            k.put("pagesToScan", d.effects().ksm().pagesToScan());
            k.put("sleepMillis", d.effects().ksm().sleepMillis());
        }
        if (obs.ksmError() != null) h.put("ksmError", obs.ksmError());
        h.put("psiSomeAvg10", hr.psiSomeAvg10());
        h.put("pswpin", hr.swapInPages());
        h.put("pswpout", hr.swapOutPages());
        h.put("psiSomeTotalUs", hr.psiSomeTotalMicros());
        h.put("psiFullTotalUs", hr.psiFullTotalMicros());
        ArrayNode vms = o.putArray("vms");
        Map<String, VmPlan> plans = d.plan().byName();
        for (VmView v : d.view().vms()) {
            VmSample s = d.samples().get(v.name());
            VmPlan p = plans.get(v.name());
            ObjectNode n = vms.addObject();
            n.put("name", v.name());
            n.put("up", true);
            // per-VM counters under esxtop's field names, from core's counter catalogue
            n.put(Counter.MEMSZ.field(), v.settings().configuredBytes());
            n.put(Counter.AMIN.field(), v.settings().reservationBytes());
            n.put(Counter.AMAX.field(), v.settings().limitBytes());
            n.put(Counter.ASHRS.field(), v.settings().shares());
            n.put(Counter.MCTL.field(), v.settings().ballooning() ? 1 : 0);
            n.put(Counter.GRANT.field(), v.grantedBytes());
            n.put(Counter.CNSM.field(), v.consumedBytes());
            n.put(Counter.OVHD.field(), d.view().overheadBytesPerVm());
            n.put(Counter.MCTLSZ.field(), v.balloonBytes());
            n.put(Counter.MCTLTGT.field(), p.balloonTargetBytes());
            n.put(Counter.SZTGT.field(), p.targetBytes());
            n.put(Counter.SWCUR.field(), v.swappedBytes());
            n.put(Counter.SHRD.field(), s.sharedBytes());
            n.put(Counter.SHRDSVD.field(), s.ksmProfitBytes());
            n.put(Counter.TCHD.field(), v.activeBytes());
            n.put("actual", s.actualBytes());
            Long sent = d.effects().balloonGuestBytes().get(v.name());
            if (sent != null) n.put("balloonSent", sent);
            n.put("guestTotal", s.guestTotalBytes());
            n.put("guestFree", v.guestFreeBytes());
            n.put("guestUsed", v.guestUsedBytes());
            n.put("vcpuTicks", s.vcpuTicks());
            n.put("processTicks", s.processTicks());
            n.put("pid", s.pid());
            n.put(Counter.SWTGT.field(), p.swapTargetBytes());
            n.put("blocked", p.blockAllocations());
            CgroupSetting cg = d.cgroups().get(v.name());
            if (cg != null) {
                ObjectNode c = n.putObject("cgroup");
                c.put("mode", cg.mode());
                c.put("limit", cg.limitBytes());
                c.put("high", cg.highBytes() == CgroupSetting.NONE ? -1 : cg.highBytes());
            }
            n.put("reason", p.reason());
        }
        for (var e : d.errors().entrySet()) {
            ObjectNode n = vms.addObject();
            n.put("name", e.getKey());
            n.put("up", false);
            n.put("error", e.getValue());
            Long held = obs.held().get(e.getKey());
            n.put("held", held == null ? 0 : held);
        }
        for (var e : obs.unmanaged().entrySet()) {
            ObjectNode n = vms.addObject();
            n.put("name", e.getKey());
            n.put("up", false);
            n.put("managed", false);
            n.put("reason", e.getValue());
            Long held = obs.held().get(e.getKey());
            n.put("held", held == null ? 0 : held);
        }
        ArrayNode acts = o.putArray("actions");
        d.actions().forEach(a -> acts.add(ActionJson.write(a)));
        if (!d.failures().isEmpty()) {
            ArrayNode fails = o.putArray("failures");
            for (ControlDecision.Failure f : d.failures()) {
                ObjectNode n = fails.addObject();
                n.set("action", ActionJson.write(f.action()));
                n.put("error", f.message());
            }
        }
        o.put("managerCpuMs", d.managerCpuNanos() / 1e6);
        o.put("stepMs", d.stepNanos() / 1e6);
        if (d.balloonSentNanos() >= 0) o.put("balloonSentMs", d.balloonSentNanos() / 1e6);
        return o.toString();
    }
}
