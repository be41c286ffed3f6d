package dev.memvisor.sim.scenario;

import dev.memvisor.core.settings.Setting;

/**
 * A storage device that swap I/O goes to: its type gives latency, bandwidth and how many requests it
 * serves at once (from typical datasheets), each of which may be set instead.
 */
public final class StorageSpec {
    @Setting(value = "disk (7200 rpm: 5 ms, 150 MB/s, one request at a time), ssd (SATA: 50 us, 500 MB/s, 4 at once)"
            + " or nvme (80 us, 3200 MB/s, 50 at once)",
            source = "disk: 4.2 ms half turn at 7200 rpm plus a short seek within the swap area, sustained transfer of a"
                    + " 7200 rpm drive; ssd: Intel SSD DC S3700 specification (50 us read latency, 75,000 random 4K reads/s, 500 MB/s);"
                    + " nvme: Intel SSD DC P4510 specification (77 us read latency, 636,500 random 4K reads/s, 3200 MB/s)")
    public String type = "disk";
    @Setting(value = "time to read one 4 KiB page when the device is idle (the type's when absent)", unit = Setting.Unit.DURATION,
            range = "[0, inf)", absent = "the type's")
    public String latency;
    @Setting(value = "transfer rate, per second (the type's when absent)", unit = Setting.Unit.BYTES, range = "[4K, inf)",
            absent = "the type's")
    public String bandwidth;
    @Setting(value = "requests the device serves at once (its random-read rate times its latency; the type's when absent)",
            range = "[1, 4096]", absent = "the type's")
    public Integer parallelism;
}
