package dev.memvisor.density.mix;

import dev.memvisor.core.settings.Setting;
import dev.memvisor.settings.PolicySettings;

import java.util.ArrayList;
import java.util.List;

/**
 * A density mix as written (examples/density-*.yaml): the host the experiment makes, the timing of
 * each admission step and the guests in the order they are started; the same file drives the real
 * and the simulated run. Every key with its default here and its meaning and range in its
 * {@link Setting}; {@link MixLoader} binds and resolves it into a {@link Mix}.
 */
public final class MixFile {
    @Setting(value = "what the mix is called in reports", absent = "the file's name without .yaml")
    public String name;
    @Setting("the policy parameters every policy runs with (its name is ignored: --policies picks the policies)")
    public PolicySettings policy = PolicySettings.defaults();
    @Setting("the host the experiment makes")
    public Host host = new Host();
    @Setting(value = "how long each entry of a guest's schedule lasts (the trace is time-compressed to this)", unit = Setting.Unit.DURATION,
            range = "[1s, 1h]")
    public String step = "5s";
    @Setting(value = "after a guest is started, how long before the window opens (the guest fills its working set)", unit = Setting.Unit.DURATION,
            range = "[0, 1h]")
    public String warmup = "15s";
    @Setting(value = "the window over which every guest's progress is measured after each start; a whole number of schedule periods",
            unit = Setting.Unit.DURATION, range = "[1s, 1h]")
    public String window = "30s";
    @Setting("the guests, started one at a time in this order; an entry with count N stands for N identical guests")
    public List<Guest> guests = new ArrayList<>();

    /** {@code host:}: the memory shortage the experiment makes. */
    public static final class Host {
        @Setting(value = "the host's size for the experiment: the limit of the cgroup all guests' QEMU run in, the manager's budget and the simulated machine memory",
                unit = Setting.Unit.BYTES, range = "[128M, inf)")
        public String memory = "1G";
        @Setting(value = "QEMU's own memory per guest, set aside by the policies (TCG's translation cache is most of it on this kind of host)",
                unit = Setting.Unit.BYTES, range = "[0, inf)", source = "measured: QEMU 7.2 on TCG holds about 75M besides guest RAM; ESX: about 32 MB")
        public String overheadPerVm = "80M";
        @Setting(value = "size of the host swap file the experiment makes (and removes)", unit = Setting.Unit.BYTES, range = "[16M, inf)")
        public String swap = "2G";
        @Setting(value = "cores of the simulated host", range = "[1, 1024]")
        public int cores = 2;
        @Setting(value = "how the simulated host picks the guest pages it swaps out: random (ESX's swapper) or lru (Linux); the real"
                + " host is always Linux's LRU", absent = "the policy's hypervisor: random for esx, lru for the others (the simulator's host.reclaim)")
        public String reclaim;
        @Setting(value = "how often the manager decides (real) and the simulated host's control interval", unit = Setting.Unit.DURATION,
                range = "[100ms, 1m]")
        public String interval = "2s";
        @Setting(value = "the device the real experiment's swap file and the guests' disks are on, for the simulated host (host.storage"
                + " of a scenario: its swap device and the guests' virtual disks); set it to the real host's device, or the simulated"
                + " guests page at another speed than the real ones", absent = "the simulator's default (host.storage)")
        public dev.memvisor.sim.scenario.StorageSpec storage;
    }

    /** {@code guests[]}: one guest (or {@code count} identical ones). */
    public static final class Guest {
        @Setting(value = "the guest's name: letters, digits, '.', '_' or '-'; with count N the guests are name-1..name-N", absent = Setting.REQUIRED)
        public String name;
        @Setting(value = "identical guests this entry stands for", range = "[1, 64]")
        public int count = 1;
        @Setting(value = "the guest's memory", unit = Setting.Unit.BYTES, range = "[96M, 64G]")
        public String memory = "192M";
        @Setting(value = "reservation: never ballooned below", unit = Setting.Unit.BYTES, range = "[0, inf)", source = "ESX")
        public String reservation = "0";
        @Setting(value = "shares: low, normal, high or a number > 0", source = "ESX")
        public String shares = "normal";
        @Setting(value = "anonymous working set the workload touches (with rate; or give schedule or bitbrains)", unit = Setting.Unit.BYTES,
                range = "[0, inf)")
        public String workingSet = "0";
        @Setting(value = "operations a second (one reads a random page of the working set); with bitbrains: at 100 % CPU", range = "[1, 1000000]")
        public int rate = 100;
        @Setting("page contents: same (identical across guests, so KSM can merge them), unique (and every operation writes) or zero")
        public String fill = "same";
        @Setting(value = "size of the read-only disk the workload reads whole at start and then at random (the guest's page cache)",
                unit = Setting.Unit.BYTES, range = "[0, inf)")
        public String cache = "0";
        @Setting(value = "fraction of operations that also read a 4 KiB block of the cache disk", range = "[0, 1]")
        public double cacheOps = 0.1;
        @Setting(value = "size of the guest's swap disk (0 = none: a guest short of memory OOM-kills its workload)", unit = Setting.Unit.BYTES,
                range = "[0, inf)")
        public String swap = "256M";
        @Setting("the working set and rate over time, one entry a step, repeated (instead of workingSet and rate)")
        public List<Step> schedule;
        @Setting("drive the schedule from a Bitbrains VM trace (instead of workingSet or schedule)")
        public Bitbrains bitbrains;
    }

    /** {@code guests[].schedule[]}: one step of a guest's schedule. */
    public static final class Step {
        @Setting(value = "working set during the step", unit = Setting.Unit.BYTES, range = "[0, inf)", absent = Setting.REQUIRED)
        public String workingSet;
        @Setting(value = "operations a second during the step", range = "[1, 1000000]")
        public int rate = 100;
    }

    /** {@code guests[].bitbrains}: a Bitbrains VM's memory and CPU use over time, time-compressed. */
    public static final class Bitbrains {
        @Setting(value = "the N.csv.gz trace, relative to the mix file", absent = Setting.REQUIRED, source = "Bitbrains GWA-T-12")
        public String file;
        @Setting(value = "where in the trace the schedule starts, in trace time", unit = Setting.Unit.DURATION, range = "[0, inf)")
        public String offset = "0";
        @Setting(value = "trace time one schedule step stands for (the trace's rows are 5 minutes apart)", unit = Setting.Unit.DURATION,
                range = "[1s, 1d]")
        public String stepSpan = "5m";
    }
}
