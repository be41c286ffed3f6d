package dev.memvisor.qemu.manager;

import dev.memvisor.core.model.HostView;
import dev.memvisor.core.model.Plan;
import dev.memvisor.qemu.act.CgroupSetting;

import java.util.List;
import java.util.Map;

/**
 * One decision (at a control interval or on a state change between intervals): what was seen, what the policy decided and what was done.
 *
 * @param view        the host view given to the policy (VMs that could not be observed are left out)
 * @param plan        the policy's plan
 * @param samples     per managed VM, what was observed
 * @param errors      per VM that could not be managed this interval, why
 * @param actions     the commands carried out (balloon targets, cgroup limits, KSM)
 * @param memAvailableBytes the host's MemAvailable
 * @param ksmPagesSharing host-wide KSM pages_sharing
 * @param psiSomeAvg10 host memory PSI some avg10
 * @param hostSwapInPages host pages swapped in since boot (vmstat pswpin)
 * @param hostSwapOutPages host pages swapped out since boot (vmstat pswpout)
 * @param managerCpuNanos the manager process's CPU time spent since the previous interval
 * @param stepNanos   wall time of this interval's collect-decide-act
 * @param balloonSentNanos nanoseconds from the start of collection to the last balloon command sent, or -1
 * @param cgroups     per VM with a memory cgroup, what it carries after this interval
 * @param trigger     why the manager decided: the regular interval or a host memory state change between intervals
 * @param startNanos  System.nanoTime() when collection started (balloonSentNanos counts from it)
 */
public record Decision(HostView view, Plan plan, Map<String, VmSample> samples, Map<String, String> errors,
                       List<String> actions, long memAvailableBytes, long ksmPagesSharing, double psiSomeAvg10,
                       long hostSwapInPages, long hostSwapOutPages,
                       long managerCpuNanos, long stepNanos, long balloonSentNanos, Map<String, CgroupSetting> cgroups,
                       Trigger trigger, long startNanos) {}
