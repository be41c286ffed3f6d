package dev.memvisor.qemu.act;

import dev.memvisor.core.model.VmPlan;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How a VM's plan becomes its cgroup's hard limit and throttle. */
class CgroupSettingTest {
    private static final long MIB = 1L << 20;

    @Test
    void withoutSwapOrBlockingTheLimitLeavesHeadroom() {
        CgroupSetting s = CgroupSetting.of(new VmPlan("a", 200 * MIB, 56 * MIB, 0, false, false, "r"), 256 * MIB, 32 * MIB);
        assertThat(s).isEqualTo(new CgroupSetting("headroom", 456 * MIB, CgroupSetting.NONE));
    }

    @Test
    void aSwapTargetBringsTheLimitDownToTargetPlusOverhead() {
        CgroupSetting s = CgroupSetting.of(new VmPlan("a", 200 * MIB, 0, 40 * MIB, true, false, "r"), 256 * MIB, 32 * MIB);
        assertThat(s).isEqualTo(new CgroupSetting("swap", 232 * MIB, CgroupSetting.NONE));
    }

    @Test
    void blockingAlsoThrottlesAtTheTarget() {
        CgroupSetting s = CgroupSetting.of(new VmPlan("a", 200 * MIB, 0, 40 * MIB, true, true, "r"), 256 * MIB, 32 * MIB);
        assertThat(s).isEqualTo(new CgroupSetting("block", 232 * MIB, 232 * MIB));
    }

    @Test
    void anUnboundedTargetStaysUnbounded() {
        CgroupSetting s = CgroupSetting.of(new VmPlan("a", Long.MAX_VALUE - MIB, 0, 0, false, false, "r"), 256 * MIB, 32 * MIB);
        assertThat(s.limitBytes()).isEqualTo(Long.MAX_VALUE);
    }
}
