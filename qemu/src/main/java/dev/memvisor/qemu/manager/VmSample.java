package dev.memvisor.qemu.manager;

import dev.memvisor.core.model.VmView;

/**
 * What the manager observed of one VM in one observation, beyond the policy's {@link VmView}.
 *
 * @param view            the VM as the policy sees it
 * @param actualBytes     the guest's memory according to query-balloon
 * @param ksmProfitBytes  what KSM saves for its QEMU process (ksm_process_profit, at least 0)
 * @param sharedBytes     its memory merged by KSM (esxtop SHRD)
 * @param vcpuTicks       its vCPU threads' CPU time in clock ticks
 * @param guestTotalBytes the guest's own MemTotal from the balloon statistics, or -1
 */
public record VmSample(VmView view, long actualBytes, long ksmProfitBytes, long sharedBytes, long vcpuTicks, long guestTotalBytes) {}
