package dev.memvisor.sim.scenario;

import dev.memvisor.core.settings.Setting;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code vms[].workload}: the guest application's page references. A workload has a fixed amount
 * of work (its phases' reference counts); its slowdown is its elapsed time over a standalone run's.
 */
public final class WorkloadSpec {
    @Setting("synthetic, trace (address or LIRS page trace) or bitbrains (a Bitbrains VM's demand over time)")
    public String type = "synthetic";
    @Setting(value = "working set the application touches", unit = Setting.Unit.BYTES, range = "[4K, 4T]")
    public String workingSet = "1G";
    @Setting(value = "largest working set it grows to (synthetic only); at least workingSet", unit = Setting.Unit.BYTES,
            range = "[4K, 4T]", absent = "workingSet: no growth")
    public String maxWorkingSet;
    @Setting(value = "working-set growth per simulated second, up to maxWorkingSet", unit = Setting.Unit.BYTES, range = "[0, inf)")
    public String growthPerSecond = "0";
    @Setting(value = "Zipf exponent of the hot/cold skew over the working set (0 = uniform)", range = "[0, 5]")
    public double skew = 0.8;
    @Setting(value = "fraction of references that write", range = "[0, 1]")
    public double writeFraction = 0.2;
    @Setting(value = "references per second when nothing stalls (bitbrains: per busy vCPU-second)", range = "[0, 1000000000]")
    public long refsPerSecond = 10000;
    @Setting(value = "vCPUs the application keeps busy while it works; at most vcpus (bitbrains: from the trace)", range = "[0, inf)")
    public double cpu = 1.0;
    @Setting("pages it first touches hold image content (read-only data shared across VMs of one image)")
    public boolean fromImage = false;
    @Setting(value = "of its working set, what it reads but never writes: code, shared libraries, files in the page cache; the"
            + " hottest pages, loaded from the image (so identical guests share them while they run)", unit = Setting.Unit.BYTES,
            range = "[0, 4T]")
    public String readOnly = "0";
    @Setting(value = "its working set is file data read and written through the guest's page cache (a file server, dbench), not"
            + " anonymous memory: the guest drops a page it evicts (no swap), reads one not cached from its disk, and writes every"
            + " dirtied page back (after guest.dirtyExpire, or sooner past 10 % of its memory dirty), which the writer pays for"
            + " whatever the memory, the whole write past 15 % dirty (synthetic only)",
            source = "Linux writeback: Documentation/admin-guide/sysctl/vm.rst (dirty_expire_centisecs, dirty_background_ratio,"
                    + " dirty_ratio), balance_dirty_pages in mm/page-writeback.c")
    public boolean fileBacked = false;
    @Setting(value = "pages one read request of a file-backed workload spans: it reads the aligned block of this many of its"
            + " pages one after the other (writeFraction stays the share of page references that write), and a read of a page"
            + " not cached reads the block's pages that are not cached in one request of the guest's disk", range = "[1, 256]",
            source = "dbench's load: 3.18 pages per ReadX (scripts/netbench-mix.sh)")
    public int readPages = 1;
    @Setting(value = "threads that make its references: while one waits for a page, the others run (at least 1)",
            range = "[1, 100000]", absent = "one per vCPU it keeps busy (cpu, rounded up)")
    public Integer threads;
    @Setting(value = "on the guest's low-memory notification (at most once a second) it trims a tenth of its resident pages,"
            + " coldest first, down to a quarter of its working set, and grows only while memory is high; it keeps its data and"
            + " goes on referencing them, so a trimmed page referenced again is a miss: read from the guest's swap (the paging"
            + " file), or with fileBacked from its files, as a database re-reads its buffer pool (synthetic only)",
            source = "Windows memory resource notifications (CreateMemoryResourceNotification) and working-set trimming"
                    + " (Windows Internals, 6th ed., ch. 10); SQL Server's buffer pool")
    public boolean trimOnLowMemory = false;
    @Setting("run the phases again when they are done, until the end of the simulation (synthetic only)")
    public boolean repeat = false;
    @Setting("phases run in order (synthetic only); none: one phase as long as the simulation")
    public List<PhaseSpec> phases = new ArrayList<>();
    @Setting(value = "for type trace: the trace to replay", absent = "required for type trace")
    public TraceSpec trace;
    @Setting(value = "for type bitbrains: the VM trace", absent = "required for type bitbrains")
    public BitbrainsSpec bitbrains;
}
