package dev.memvisor.qemu.act;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The plan's "compression allowed" per VM as zswap's pool cap and each VM's own cap. */
class CompressionCachePropertiesTest {
    private static final long MIB = 1L << 20;

    @Property
    void onIffSomeVmMayBeCompressedAndThePoolHoldsTheirCaches(@ForAll @Size(max = 8) List<Boolean> allowed,
                                                              @ForAll @LongRange(min = 1, max = 65536) long vmMib,
                                                              @ForAll @DoubleRange(min = 0.01, max = 1) double fraction,
                                                              @ForAll @LongRange(min = 1024, max = 1 << 20) long ramMib) {
        Map<String, Boolean> a = new HashMap<>();
        Map<String, Long> conf = new HashMap<>();
        long cacheBytes = 0;
        for (int i = 0; i < allowed.size(); i++) {
            a.put("vm" + i, allowed.get(i));
            conf.put("vm" + i, (i + 1) * vmMib * MIB);
            cacheBytes += CompressionCache.vmCapBytes(allowed.get(i), (i + 1) * vmMib * MIB, fraction);
        }
        CompressionCache c = CompressionCache.of(a, conf, fraction, ramMib * MIB);
        assertThat(c.on()).isEqualTo(allowed.contains(true));
        assertThat(c.maxPoolPercent()).isBetween(1, 100);
        // the pool cap covers the VMs' caches (up to all of RAM), and not by a whole percent more than needed
        long capBytes = (long) Math.floor(c.maxPoolPercent() / 100.0 * ramMib * MIB);
        assertThat(capBytes).isGreaterThanOrEqualTo(Math.min(cacheBytes, ramMib * MIB) - 1);
        if (c.maxPoolPercent() > 1) assertThat((c.maxPoolPercent() - 1) / 100.0 * ramMib * MIB).isLessThan(cacheBytes);
    }

    @Property
    void aVmThatMayNotBeCompressedHasNoCache(@ForAll @LongRange(min = 0, max = 1L << 40) long configured,
                                             @ForAll @DoubleRange(min = 0, max = 1) double fraction) {
        assertThat(CompressionCache.vmCapBytes(false, configured, fraction)).isZero();
        assertThat(CompressionCache.vmCapBytes(true, configured, fraction)).isBetween(0L, configured);
    }
}
