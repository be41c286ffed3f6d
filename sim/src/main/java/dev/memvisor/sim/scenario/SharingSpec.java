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
}
