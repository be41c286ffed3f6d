package dev.memvisor.sim.scenario;

/** {@code host.sharing}: how the page-sharing scanner works (its rate is the policy's {@code sharingScanPagesPerSecond}). */
public final class SharingSpec {
    /**
     * Pass over pages the guest has free without scanning them or counting them against the scan
     * rate, as introspection allows (Chiang et al., VEE 2013): their contents are garbage the guest
     * will overwrite, so sharing them is wasted work.
     */
    public boolean skipFreePages = false;
}
