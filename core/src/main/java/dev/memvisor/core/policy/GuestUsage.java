package dev.memvisor.core.policy;

import dev.memvisor.core.model.VmView;

/** What a guest uses and has free, from the best figure the backend observed. */
public final class GuestUsage {
    private GuestUsage() {}

    /** Guest memory in use: the guest's own figure, else visible less guest-free, else the active estimate. */
    public static long usedBytes(VmView vm) {
        if (vm.guestUsedBytes() != VmView.UNKNOWN) return vm.guestUsedBytes();
        if (vm.guestFreeBytes() != VmView.UNKNOWN) return Math.max(0, vm.visibleBytes() - vm.guestFreeBytes());
        return vm.activeBytes();
    }

    /** Memory the guest has free: its own figure, else visible less used. */
    public static long freeBytes(VmView vm) {
        if (vm.guestFreeBytes() != VmView.UNKNOWN) return vm.guestFreeBytes();
        return Math.max(0, vm.visibleBytes() - usedBytes(vm));
    }

    /** Whether the guest reported its free memory itself (a working balloon driver with statistics). */
    public static boolean reportsFree(VmView vm) {
        return vm.guestFreeBytes() != VmView.UNKNOWN;
    }
}
