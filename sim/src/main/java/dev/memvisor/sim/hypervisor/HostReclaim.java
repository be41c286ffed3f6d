package dev.memvisor.sim.hypervisor;

import java.util.Locale;

/**
 * How the host picks the pages it swaps out behind the guests' backs (the scenario's {@code host.reclaim}).
 * Its default follows the hypervisor the policy models: {@code esx} runs on ESX, whose swapper picks random
 * pages; every other policy (static, proxmox, mom, hyperv, psi) runs on Linux KVM, whose kernel reclaims
 * QEMU's guest memory by its LRU.
 */
public enum HostReclaim {
    /**
     * Random victim pages, as ESX's swap daemon picks them (Waldspurger, OSDI 2002, section 3.3: "a randomized
     * page replacement policy", so as not to interfere with the guest's own replacement).
     */
    RANDOM,
    /**
     * Least recently used first, by CLOCK (second chance) on the host's referenced bit, the approximation of
     * Linux's reclaim: it takes pages from the inactive end of its LRU and gives a referenced page another
     * round (the active/inactive lists of mm/vmscan.c; Documentation/mm/multigen_lru.rst on the same aging
     * by accessed bits). One hand sweeps all VMs' pages in turn, as one memory cgroup holds all the QEMUs.
     */
    LRU;

    /** The policy whose hypervisor picks random pages; every other policy models Linux KVM. */
    private static final String ESX_POLICY = "esx";

    /** The reclaim of the hypervisor that the policy named {@code policy} models: random for esx, LRU for the KVM policies. */
    public static HostReclaim forPolicy(String policy) {
        return ESX_POLICY.equals(policy) ? RANDOM : LRU;
    }

    /** The setting's value, {@code random} or {@code lru} (any case); null when it is neither. */
    public static HostReclaim parse(String value) {
        if (value == null) return null;
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "random": return RANDOM;
            case "lru": return LRU;
            default: return null;
        }
    }

    /** The name as a scenario writes it. */
    @Override
    public String toString() { return name().toLowerCase(Locale.ROOT); }
}
