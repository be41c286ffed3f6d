package dev.memvisor.qemu.manager;

/**
 * host.yaml's {@code zswap:} block, resolved (meanings and defaults: {@link HostFile.Zswap}).
 *
 * @param manage      whether the manager drives zswap from the plan
 * @param compressor  the compressor while memvisor has zswap on; empty: the host's
 * @param maxFraction each VM's compression cache, fraction of its configured memory
 */
public record ZswapConfig(boolean manage, String compressor, double maxFraction) {
    /** The defaults of host.yaml. */
    public static final ZswapConfig DEFAULT = of(new HostFile.Zswap());
    /** zswap left alone (configurations made in code that do not ask for it). */
    public static final ZswapConfig OFF = new ZswapConfig(false, "", DEFAULT.maxFraction());

    /** Validates the fraction. */
    public ZswapConfig {
        if (!(maxFraction > 0 && maxFraction <= 1)) throw new ConfigException("zswap.maxFraction: got " + maxFraction + ", expected a number in (0, 1]");
        compressor = compressor == null ? "" : compressor.trim();
    }

    /** The block as read from host.yaml. */
    static ZswapConfig of(HostFile.Zswap z) {
        return new ZswapConfig(z.manage, z.compressor, z.maxFraction);
    }
}
