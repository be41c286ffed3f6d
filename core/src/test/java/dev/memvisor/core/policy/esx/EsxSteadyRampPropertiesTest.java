package dev.memvisor.core.policy.esx;

import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.Plan;
import dev.memvisor.core.model.VmSettings;
import dev.memvisor.core.model.VmView;
import dev.memvisor.core.policy.PolicyConfig;
import dev.memvisor.core.state.MemoryStateModel;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.List;

import static dev.memvisor.core.unit.Size.MIB;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The esx policy on a steady ramp (issue 11, item 5): one VM grows steadily, touching all it uses, while
 * idle VMs hold every page they see (a deflated page is refilled at once, the case most prone to swinging).
 * A tiny host model between decisions: balloons move toward their targets at a finite rate per interval,
 * free memory is what the VMs do not hold. While the ramp lasts, no idle VM's balloon target goes down
 * (it only follows the growing VM's rising entitlement up); once the busy VM goes idle or leaves, the idle
 * VMs' balloons deflate within {@link #DEFLATE_WITHIN} intervals.
 */
class EsxSteadyRampPropertiesTest {
    private static final long OVERHEAD = 32 * MIB;
    private static final int DEFLATE_WITHIN = 3;

    /** How the ramp ends. */
    enum End { IDLE, LEAVES }

    @Provide
    Arbitrary<MemoryStateModel> models() {
        return Arbitraries.of(MemoryStateModel.values());
    }

    /** The balloon's unit: virtio-balloon inflates and deflates whole 4 KiB pages. */
    private static final long BALLOON_PAGE = 4096;

    @Property(tries = 200)
    void idleBalloonsAreMonotoneDuringASteadyRampAndDeflateWhenItEnds(
            @ForAll @IntRange(min = 1, max = 3) int idleVms,
            @ForAll @IntRange(min = 256, max = 2048) int busyMib,
            @ForAll @IntRange(min = 256, max = 2048) int idleMib,
            @ForAll @IntRange(min = 1, max = 4) int busyShares,
            @ForAll @IntRange(min = 1, max = 4) int idleShares,
            @ForAll @IntRange(min = 5, max = 30) int idleActivePercent,
            @ForAll @IntRange(min = 1, max = 20) int rampPercentPerInterval,
            @ForAll @IntRange(min = 2, max = 60) int balloonPercentPerInterval,
            @ForAll @IntRange(min = 40, max = 95) int hostPercentOfDemand,
            @ForAll("models") MemoryStateModel model,
            @ForAll End end) {
        sawHigh = false;
        PolicyConfig config = PolicyConfig.builder().memoryStates(model.key()).build();
        EsxPolicy esx = new EsxPolicy(config);
        long busySize = busyMib * MIB, idleSize = idleMib * MIB;
        VmSettings busy = VmSettings.of("busy", busySize).withShares(busyShares * 1000L);
        List<VmSettings> idle = new ArrayList<>();
        for (int i = 0; i < idleVms; i++) idle.add(VmSettings.of("idle" + i, idleSize).withShares(idleShares * 1000L));
        // the host fits everyone's overhead and a fraction of their configured memory
        long machine = OVERHEAD * (idleVms + 1) + (busySize + idleVms * idleSize) * hostPercentOfDemand / 100;
        long idleActive = idleSize * idleActivePercent / 100;
        long rampStep = Math.max(MIB, busySize * rampPercentPerInterval / 100);
        long balloonStep = Math.max(MIB, Math.max(busySize, idleSize) * balloonPercentPerInterval / 100);

        long[] balloon = new long[idleVms + 1];   // [0] the busy VM, then the idle ones
        long[] ordered = new long[idleVms + 1];
        long busyUses = busySize / 10;
        long[] lastIdleTarget = new long[idleVms];
        List<String> trace = new ArrayList<>();
        int interval = 0;
        // the ramp: until the busy VM uses all it may see
        while (busyUses < busySize) {
            busyUses = Math.min(busySize, busyUses + rampStep);
            Plan p = decide(esx, interval++, machine, busy, idle, balloon, ordered, balloonStep, busyUses, busyUses, idleActive, true, trace);
            for (int i = 0; i < idleVms; i++) {
                long target = p.vm("idle" + i).orElseThrow().balloonTargetBytes();
                // less than a page is not a reversal: the balloon moves whole 4 KiB pages (virtio-balloon's num_pages), and the
                // share arithmetic may land a byte lower from one interval to the next (found: 168,659,955 -> 168,659,954)
                assertThat(target).as("idle%d's balloon target went down during the ramp:%n%s", i, String.join("\n", trace))
                        .isGreaterThan(lastIdleTarget[i] - BALLOON_PAGE);
                lastIdleTarget[i] = target;
            }
        }
        // let the balloons arrive
        for (int k = 0; k < 3; k++) {
            decide(esx, interval++, machine, busy, idle, balloon, ordered, balloonStep, busyUses, busyUses, idleActive, true, trace);
        }
        long[] atEnd = new long[idleVms];
        for (int i = 0; i < idleVms; i++) atEnd[i] = ordered[i + 1];
        // the ramp ends: the busy VM goes idle (active as small as the others') or leaves
        Plan p = null;
        for (int k = 0; k < DEFLATE_WITHIN; k++) {
            p = decide(esx, interval++, machine, busy, idle, balloon, ordered, balloonStep, busyUses, idleActive, idleActive, end == End.IDLE, trace);
        }
        // what the allocation now leaves each idle VM: its balloon is at most that, in whatever state the host is
        long[] allocated = new IdleMemoryTax(config.idleTax()).allocate(lastView).targets();
        for (int i = 0; i < idleVms; i++) {
            long target = p.vm("idle" + i).orElseThrow().balloonTargetBytes();
            long wanted = Math.max(0, Math.min(idleSize - allocated[allocated.length - idleVms + i], (long) (config.maxBalloonFraction() * idleSize)));
            String why = String.format("idle%d's balloon %d intervals after the busy VM %s (allocation's balloon %d, at the ramp's end %d):%n%s",
                    i, DEFLATE_WITHIN, end == End.IDLE ? "went idle" : "left", wanted, atEnd[i], String.join("\n", trace));
            assertThat(target).as(why).isLessThanOrEqualTo(wanted);
            if (wanted < atEnd[i]) assertThat(target).as(why).isLessThan(atEnd[i]);
        }
        Statistics.label("the ramp's end").collect(end, atEnd[0] > p.vm("idle0").orElseThrow().balloonTargetBytes() ? "deflated" : "held");
        Statistics.label("states").collect(sawHigh ? "reached high during the ramp" : "never high during the ramp");
    }

    private HostView lastView;
    private boolean sawHigh;

    /**
     * One interval of the host model, then a decision: balloons move toward what was ordered, VMs fill what they see
     * (the busy one up to what it uses), free memory is the rest; the plan's targets become the new orders.
     */
    private Plan decide(EsxPolicy esx, int interval, long machine, VmSettings busy, List<VmSettings> idle,
                               long[] balloon, long[] ordered, long balloonStep, long busyUses, long busyActive, long idleActive,
                               boolean busyPresent, List<String> trace) {
        List<VmView> vms = new ArrayList<>();
        long held = 0;
        for (int i = 0; i < balloon.length; i++) {
            VmSettings s = i == 0 ? busy : idle.get(i - 1);
            balloon[i] = moveToward(balloon[i], ordered[i], balloonStep);
            if (i == 0 && !busyPresent) continue;
            long sees = s.configuredBytes() - balloon[i];
            long holds = i == 0 ? Math.min(busyUses, sees) : sees;
            long active = i == 0 ? Math.min(busyActive, holds) : Math.min(idleActive, holds);
            vms.add(new VmView(s, holds, holds, balloon[i], 0, 0, active, VmView.UNKNOWN, VmView.UNKNOWN));
            held += holds + OVERHEAD;
        }
        long free = Math.max(0, machine - held);
        lastView = new HostView(interval * 15_000L, machine, free, OVERHEAD, vms);
        Plan p = esx.decide(lastView);
        if (busyPresent && busyActive == busyUses && p.state() == dev.memvisor.core.model.HostMemoryState.HIGH) sawHigh = true;
        StringBuilder line = new StringBuilder("#" + interval + " " + p.state() + " free=" + free / MIB + "M");
        for (int i = 0; i < balloon.length; i++) {
            String name = i == 0 ? "busy" : idle.get(i - 1).name();
            int at = i;
            p.vm(name).ifPresent(v -> {
                ordered[at] = v.balloonTargetBytes();
                line.append(' ').append(name).append(": balloon ").append(balloon[at] / MIB).append("M -> ").append(v.balloonTargetBytes() / 1024).append('K');
            });
        }
        trace.add(line.toString());
        return p;
    }

    private static long moveToward(long from, long to, long by) {
        return from < to ? Math.min(to, from + by) : Math.max(to, from - by);
    }
}
