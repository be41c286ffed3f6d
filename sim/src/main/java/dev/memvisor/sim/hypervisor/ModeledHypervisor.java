package dev.memvisor.sim.hypervisor;

/**
 * The hypervisor a policy models, which sets the simulated host's defaults ({@link HostReclaim}, {@link SharingMerge}):
 * {@code esx} runs on ESX; every other policy (static, proxmox, mom, hyperv, psi) manages Linux KVM guests.
 */
public enum ModeledHypervisor {
    /** VMware ESX (the esx policy). */
    ESX,
    /** Linux KVM/QEMU (every other policy). */
    KVM;

    /** The hypervisor the policy named {@code policy} models. */
    public static ModeledHypervisor of(String policy) {
        return "esx".equals(policy) ? ESX : KVM;
    }
}
