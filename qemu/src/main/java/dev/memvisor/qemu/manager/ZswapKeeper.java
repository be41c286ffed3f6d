package dev.memvisor.qemu.manager;

import dev.memvisor.core.model.VmView;
import dev.memvisor.qemu.act.CompressionCache;
import dev.memvisor.qemu.act.ZswapControl;
import dev.memvisor.qemu.collect.CompressedSwap;
import dev.memvisor.qemu.collect.MemInfo;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The manager's hold on the host's zswap (its compressed swap cache): it saves zswap's settings when it
 * starts managing them, turns zswap on while some VM's plan lets it be compressed ({@link CompressionCache}:
 * the compressor of host.yaml, {@code max_pool_percent} from the VMs' caches), and puts the host's settings
 * back when none may be and when it is done. zswap is host-wide: one keeper per manager, shared by its
 * groups of VMs (QEMUs over QMP, libvirt's domains), each of which tells it its own VMs.
 * Source: Documentation/admin-guide/mm/zswap.rst.
 */
public final class ZswapKeeper extends HostSettingsKeeper<ZswapControl.Settings> {
    private final ZswapControl zswap;
    private final ZswapConfig config;
    private final Path procRoot;
    /** Each group's VMs as last told: whether each may be compressed, and its configured size. */
    private final Map<String, Map<String, Boolean>> allowed = new LinkedHashMap<>();
    private final Map<String, Map<String, Long>> sizes = new LinkedHashMap<>();
    /** What the keeper last set zswap to, or null (unknown after a failure). */
    private ZswapControl.Settings set;

    /**
     * Saves zswap's settings under {@code zswapDir} when {@code config.manage()} and the kernel has zswap;
     * otherwise keeps nothing and changes nothing.
     *
     * @param zswapDir /sys/module/zswap/parameters, or null: zswap is never touched
     * @param procRoot where /proc is (the host's RAM, for the pool's percentage)
     * @param events   receives one line when zswap is (not) managed and when its settings are put back
     */
    public ZswapKeeper(Path zswapDir, ZswapConfig config, Path procRoot, Consumer<String> events) {
        super("zswap", events);
        this.zswap = zswapDir == null ? null : new ZswapControl(zswapDir);
        this.config = config;
        this.procRoot = procRoot;
        boolean manage = config.manage() && zswap != null;
        if (manage && !zswap.available()) {
            events.accept("zswap: not managed: this kernel has no zswap (" + zswapDir + ")");
            manage = false;
        }
        ZswapControl.Settings s = save(manage);
        if (s != null) {
            String c = config.compressor();
            events.accept("zswap: driven from the plan (found enabled=" + (s.enabled() ? "Y" : "N") + ", compressor=" + s.compressor()
                    + ", max_pool_percent=" + s.maxPoolPercent() + (c.isEmpty() ? "" : "; compressor " + c + " while memvisor has it on") + ")");
        }
        this.set = s;
    }

    /** The keeper of a host's manager: {@code paths.zswapDir()} as {@code config.zswap()} says. */
    public static ZswapKeeper of(HostConfig config, HostPaths paths, Consumer<String> events) {
        return new ZswapKeeper(paths.zswapDir(), config.zswap(), paths.procRoot(), events);
    }

    /** A VM's cap on its compressed memory (cgroup v2 {@code memory.zswap.max}): its cache, or 0 when it may not be compressed. */
    public long vmCapBytes(boolean compressionAllowed, long configuredBytes) {
        return CompressionCache.vmCapBytes(compressionAllowed, configuredBytes, config.maxFraction());
    }

    /**
     * zswap as the plans of all groups' VMs want it: on, with the pool cap of their caches, while any VM may be
     * compressed; the host's own settings otherwise. Written only when that changes; nothing when zswap is not
     * managed or once its settings were put back.
     *
     * @param group           who tells (a group's VMs replace those it told before)
     * @param allowed         the group's VMs: whether the plan lets each be compressed
     * @param configuredBytes the group's VMs: each one's configured memory
     * @return why zswap could not be set, or null
     */
    public synchronized String update(String group, Map<String, Boolean> allowed, Map<String, Long> configuredBytes) {
        if (!manages() || restored()) return null;
        this.allowed.put(group, Map.copyOf(allowed));
        this.sizes.put(group, Map.copyOf(configuredBytes));
        Map<String, Boolean> a = new LinkedHashMap<>();
        Map<String, Long> s = new LinkedHashMap<>();
        this.allowed.values().forEach(a::putAll);
        this.sizes.values().forEach(s::putAll);
        long ram = MemInfo.read(procRoot).totalBytes();
        CompressionCache cache = CompressionCache.of(a, s, config.maxFraction(), ram);
        ZswapControl.Settings want = cache.on()
                ? new ZswapControl.Settings(true, config.compressor().isEmpty() ? saved().compressor() : config.compressor(), cache.maxPoolPercent())
                : saved();
        if (want.equals(set)) return null;
        try {
            zswap.apply(want);
            set = want;
            error(null);
            return null;
        } catch (RuntimeException e) {
            set = null;
            error(e.getMessage());
            return "zswap not set: " + e.getMessage();
        }
    }

    /** zswap's settings now, when managed (else null); a failure to read them is kept as {@link #error()}. */
    public ZswapControl.Settings settings() {
        return now();
    }

    @Override
    ZswapControl.Settings read() {
        return zswap.read();
    }

    @Override
    void putBack(ZswapControl.Settings saved) {
        zswap.restore(saved);
    }

    @Override
    String describe(ZswapControl.Settings s) {
        return "enabled=" + (s.enabled() ? "Y" : "N") + ", compressor=" + s.compressor() + ", max_pool_percent=" + s.maxPoolPercent();
    }

    /** Nothing to put back when the keeper never changed zswap (or left it as found): a later change of the administrator's stays. */
    @Override
    boolean changed() {
        return !saved().equals(set);
    }

    /**
     * The compressed memory of VMs whose cgroup does not account zswap (cgroup v1, or no cgroup): the host's
     * zswap totals shared out by their part of the used swap ({@link CompressedSwap#estimate}).
     */
    public static void estimateCompression(Map<String, VmSample> samples, HostReadings h) {
        if (h.zswappedBytes() <= 0) return;
        for (var e : samples.entrySet()) {
            VmSample s = e.getValue();
            if (!s.zipSource().equals("none")) continue;
            VmView v = s.view();
            CompressedSwap z = CompressedSwap.estimate(h.zswappedBytes(), h.zswapPoolBytes(), v.swappedBytes(), h.memInfo().swapUsedBytes());
            VmView w = new VmView(v.settings(), v.grantedBytes(), v.consumedBytes(), v.balloonBytes(), Math.max(0, v.swappedBytes() - z.storedBytes()),
                    z.storedBytes(), v.activeBytes(), v.guestFreeBytes(), v.guestUsedBytes(), v.hotplug(), v.memoryStallMicros());
            e.setValue(s.withCompression(w, z.poolBytes(), z.source()));
        }
    }
}
