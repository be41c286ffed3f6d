package dev.memvisor.sim.hypervisor;

import java.util.Locale;

/**
 * When the page-sharing scanner may merge a page it visits (the scenario's {@code host.sharing.merge}). Its default
 * follows the hypervisor the policy models, as {@link HostReclaim}'s does: {@code esx} runs on ESX, every other policy
 * on Linux KVM, whose sharing is KSM.
 */
public enum SharingMerge {
    /**
     * ESX: a page whose content matches a shared frame, or the hint another page left, is merged at the first visit
     * (Waldspurger, OSDI 2002, section 4.2: hint frames).
     */
    HINT,
    /**
     * Linux KSM: a page matching the stable tree merges at once, but a page goes into the unstable tree (where a second
     * copy can find it) only when its checksum is the one the previous visit recorded, so a page is visited twice before
     * it can start a new shared frame (Documentation/admin-guide/mm/ksm.rst; mm/ksm.c, cmp_and_merge_page: the stable
     * tree search, then "if the page's checksum changed since the last scan, skip it").
     */
    KSM;

    /** The merge rule of the hypervisor that the policy named {@code policy} models. */
    public static SharingMerge forPolicy(String policy) {
        return ModeledHypervisor.of(policy) == ModeledHypervisor.ESX ? HINT : KSM;
    }

    /** The rule a scenario asks for: its {@code host.sharing.merge} when set, else the policy's hypervisor's. */
    public static SharingMerge resolve(String setting, String policy) {
        SharingMerge m = parse(setting);
        return m != null ? m : forPolicy(policy);
    }

    /** The setting's value, {@code hint} or {@code ksm} (any case); null when it is neither. */
    public static SharingMerge parse(String value) {
        if (value == null) return null;
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "hint": return HINT;
            case "ksm": return KSM;
            default: return null;
        }
    }

    /** The name as a scenario writes it. */
    @Override
    public String toString() { return name().toLowerCase(Locale.ROOT); }
}
