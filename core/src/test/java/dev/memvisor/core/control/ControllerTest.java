package dev.memvisor.core.control;

import dev.memvisor.core.model.HostMemoryState;
import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.MemoryThresholds;
import dev.memvisor.core.model.Plan;
import dev.memvisor.core.model.VmPlan;
import dev.memvisor.core.model.VmSettings;
import dev.memvisor.core.model.VmView;
import dev.memvisor.core.policy.MemoryPolicy;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.memvisor.core.unit.Size.GIB;
import static dev.memvisor.core.unit.Size.MIB;
import static org.assertj.core.api.Assertions.assertThat;

class ControllerTest {

    /** A host with one 4G VM whose policy asks for whatever balloon the test sets; records what it is told. */
    static final class FakeHost implements HostAdapter {
        long free = 4 * GIB;
        final List<Action> applied = new ArrayList<>();
        final Set<String> refuse = new HashSet<>();

        @Override public HostView observe(long nowMillis) {
            return new HostView(nowMillis, 8 * GIB, free, 0, List.of(VmView.fresh(VmSettings.of("vm", 4 * GIB), GIB)));
        }

        @Override public void apply(Action a) {
            if (refuse.contains(a.kind())) throw new IllegalStateException("QMP socket gone");
            applied.add(a);
        }
    }

    static final class AskedBalloon implements MemoryPolicy {
        long balloon;
        @Override public Plan decide(HostView v) {
            return new Plan(v.timeMillis(), HostMemoryState.HIGH, 200,
                    List.of(new VmPlan("vm", 4 * GIB - balloon, balloon, 0, false, false, "test")));
        }
    }

    @Test
    void onlyChangesAreSentAndSmallBalloonStepsWait() {
        AskedBalloon p = new AskedBalloon();
        Controller c = new Controller(p, new PlanBounds(0.65), MemoryThresholds.ESX_DEFAULT, 1000, 0, MIB);
        FakeHost h = new FakeHost();
        assertThat(c.decide(h, 0, Trigger.INTERVAL).actions()).extracting(Action::kind).containsExactly("balloon", "reclaim", "sharing");
        assertThat(c.decide(h, 1000, Trigger.INTERVAL).actions()).isEmpty();
        p.balloon = 512 * 1024; // half a MiB: under the step
        assertThat(c.decide(h, 2000, Trigger.INTERVAL).actions()).extracting(Action::kind).containsExactly("reclaim");
        p.balloon = 3 * GIB; // above the 65 % cap: sent bounded
        ControlDecision d = c.decide(h, 3000, Trigger.INTERVAL);
        assertThat(d.asked().vms().get(0).balloonTargetBytes()).isEqualTo(3 * GIB);
        assertThat(d.actions()).contains(new Action.Balloon("vm", (long) (4 * GIB * 0.65)));
        p.balloon = 0; // a full deflation is sent even when the last step was small
        assertThat(c.decide(h, 4000, Trigger.INTERVAL).actions()).contains(new Action.Balloon("vm", 0));
    }

    @Test
    void aFailedActionIsRecordedAndSentAgainNextTime() {
        AskedBalloon p = new AskedBalloon();
        p.balloon = GIB;
        Controller c = new Controller(p, new PlanBounds(0.65), MemoryThresholds.ESX_DEFAULT, 1000, 0, MIB);
        FakeHost h = new FakeHost();
        h.refuse.add("balloon");
        ControlDecision d = c.decide(h, 0, Trigger.INTERVAL);
        assertThat(d.failures()).singleElement().satisfies(f -> {
            assertThat(f.action()).isEqualTo(new Action.Balloon("vm", GIB));
            assertThat(f.message()).isEqualTo("QMP socket gone");
        });
        h.refuse.clear();
        assertThat(c.decide(h, 1000, Trigger.INTERVAL).actions()).containsExactly(new Action.Balloon("vm", GIB));
        c.forget("vm");
        assertThat(c.decide(h, 2000, Trigger.INTERVAL).actions()).extracting(Action::kind).containsExactly("balloon", "reclaim");
    }

    @Test
    void aPlugIsSentBeforeTheBalloonAndOnlyWhenItChanges() {
        dev.memvisor.core.model.HotplugMemory d = new dev.memvisor.core.model.HotplugMemory(GIB, 2 * MIB, 3 * GIB, 0, 0);
        HostAdapter h = new HostAdapter() {
            final List<Action> applied = new ArrayList<>();
            @Override public HostView observe(long t) {
                return new HostView(t, 8 * GIB, 4 * GIB, 0, List.of(VmView.fresh(VmSettings.of("vm", 4 * GIB), GIB).withHotplug(d)));
            }
            @Override public void apply(Action a) { applied.add(a); }
        };
        long[] plug = {GIB + MIB};
        MemoryPolicy p = v -> new Plan(v.timeMillis(), HostMemoryState.HIGH, 0,
                List.of(new VmPlan("vm", 2 * GIB, 0, 0, false, false, "test", plug[0], false)));
        Controller c = new Controller(p, new PlanBounds(0.65), MemoryThresholds.ESX_DEFAULT, 1000, 0, 0);
        assertThat(c.decide(h, 0, Trigger.INTERVAL).actions()).extracting(Action::kind).containsExactly("plug", "balloon", "reclaim", "sharing");
        assertThat(c.decide(h, 0, Trigger.INTERVAL).actions()).isEmpty();
        plug[0] = 2 * GIB;
        assertThat(c.decide(h, 1000, Trigger.INTERVAL).actions()).containsExactly(new Action.Plug("vm", 2 * GIB));
        plug[0] = VmPlan.KEEP;
        assertThat(c.decide(h, 2000, Trigger.INTERVAL).actions()).isEmpty();
    }

    @Test
    void pollDecidesAtIntervalsAndOnStateChangesOnly() {
        Controller c = new Controller(new AskedBalloon(), new PlanBounds(0.65), MemoryThresholds.ESX_DEFAULT, 5000, 0, 0);
        long m = 100 * GIB;
        assertThat(c.poll(0, 50 * GIB, m)).contains(Trigger.INTERVAL);
        assertThat(c.poll(250, 50 * GIB, m)).isEmpty();
        assertThat(c.poll(500, 3 * GIB, m)).contains(Trigger.STATE);          // below soft (4 %)
        assertThat(c.poll(750, 5 * GIB, m)).isEmpty();                         // hysteresis: high needs 6 %
        assertThat(c.poll(1000, 6 * GIB, m)).contains(Trigger.STATE);
        assertThat(c.poll(5000, 1 * GIB / 2, m)).contains(Trigger.INTERVAL);  // both: the interval wins
        assertThat(c.watchedState()).isEqualTo(HostMemoryState.LOW);
        assertThat(c.poll(70_000, GIB / 2, m)).contains(Trigger.INTERVAL);    // after a stall: once
        assertThat(c.poll(70_001, GIB / 2, m)).isEmpty();
        assertThat(c.nextIntervalMillis()).isEqualTo(75_000);
    }
}
