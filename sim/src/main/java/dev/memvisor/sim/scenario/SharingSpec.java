package dev.memvisor.sim.scenario;

import dev.memvisor.core.settings.Setting;

/** {@code host.sharing}: how the page-sharing scanner works (its rate is the policy's {@code sharingScanPagesPerSecond}). */
public final class SharingSpec {
    /**
     * Pass over pages the guest has free without scanning them or counting them against the scan
     * rate, as introspection allows: their contents are garbage the guest will overwrite, so sharing
     * them is wasted work.
     */
    @Setting(value = "the scanner passes over guest-free pages without examining them or charging them to the scan rate",
            source = "Chiang et al., VEE 2013 (introspection)")
    public boolean skipFreePages = false;
    @Setting(value = "when a visited page may merge: hint (ESX: at its first visit, against a shared frame or another page's hint)"
            + " or ksm (Linux KSM: against the stable tree at once, otherwise only once a second visit finds its content unchanged)",
            absent = "the hypervisor the policy models: hint for esx, ksm for every other policy (they run on Linux KVM)",
            source = "hint: Waldspurger, OSDI 2002, section 4.2; ksm: Documentation/admin-guide/mm/ksm.rst and mm/ksm.c (cmp_and_merge_page)")
    public String merge;
}
