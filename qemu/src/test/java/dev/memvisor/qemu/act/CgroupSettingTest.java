package dev.memvisor.qemu.act;

import dev.memvisor.core.control.Action;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How a VM's host-reclaim action becomes its cgroup's hard limit and throttle. */
class CgroupSettingTest {
    private static final long MIB = 1L << 20;

    @Test
    void withoutSwapOrBlockingTheLimitLeavesHeadroom() {
        CgroupSetting s = CgroupSetting.of(new Action.HostReclaim("a", 200 * MIB, 0, false, false), 256 * MIB, 32 * MIB);
        assertThat(s).isEqualTo(new CgroupSetting("headroom", 456 * MIB, CgroupSetting.NONE));
    }

    @Test
    void aSwapTargetBringsTheLimitDownToTargetPlusOverhead() {
        CgroupSetting s = CgroupSetting.of(new Action.HostReclaim("a", 200 * MIB, 40 * MIB, true, false), 256 * MIB, 32 * MIB);
        assertThat(s).isEqualTo(new CgroupSetting("swap", 232 * MIB, CgroupSetting.NONE));
    }

    @Test
    void blockingAlsoThrottlesAtTheTarget() {
        CgroupSetting s = CgroupSetting.of(new Action.HostReclaim("a", 200 * MIB, 40 * MIB, true, true), 256 * MIB, 32 * MIB);
        assertThat(s).isEqualTo(new CgroupSetting("block", 232 * MIB, 232 * MIB));
    }

    @Test
    void anUnboundedTargetStaysUnbounded() {
        CgroupSetting s = CgroupSetting.of(new Action.HostReclaim("a", Long.MAX_VALUE - MIB, 0, false, false), 256 * MIB, 32 * MIB);
        assertThat(s.limitBytes()).isEqualTo(Long.MAX_VALUE);
    }
}
