package dev.memvisor.qemu.collect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Active memory from DAMON: one kdamond per VM monitors its QEMU's virtual address space
 * (operations {@code vaddr}, target {@code pid_target}) with a single {@code stat} scheme that
 * matches regions accessed at least once per aggregation interval; the scheme's tried bytes
 * ({@code update_schemes_tried_bytes}, then {@code tried_regions/total_bytes}) are the bytes the
 * VM touched in the last aggregation interval, which is set to the control interval. The
 * kdamonds are made by writing {@code nr_kdamonds}, which the kernel only allows while no kdamond
 * runs, and removed again on close. Source: Documentation/admin-guide/mm/damon/usage.rst
 * (sysfs interface: kdamonds, contexts, targets, monitoring_attrs, schemes, tried_regions).
 */
public final class DamonActiveMemory implements ActiveMemorySource {
    private static final String U64_MAX = "18446744073709551615";
    private static final String U32_MAX = "4294967295";
    private static final long SAMPLE_US = 5_000;
    private static final long UPDATE_US = 1_000_000;

    private final Path kdamonds;
    private final String[] vmOfSlot;
    private final long[] pidOfSlot;

    private DamonActiveMemory(Path kdamonds, int slots) {
        this.kdamonds = kdamonds;
        this.vmOfSlot = new String[slots];
        this.pidOfSlot = new long[slots];
        Arrays.fill(pidOfSlot, -1);
    }

    /**
     * The outcome of setting DAMON up: a monitor, or why there is none.
     *
     * @param monitor the monitor (null when DAMON cannot be used)
     * @param whyNot  why DAMON cannot be used (empty when it can)
     */
    public record Attempt(DamonActiveMemory monitor, String whyNot) {}

    /**
     * Makes one kdamond per VM under {@code admin} (normally /sys/kernel/mm/damon/admin), aggregating
     * accesses over {@code aggregationMicros}. Leaves DAMON as it found it when any step fails.
     */
    public static Attempt create(Path admin, int vms, long aggregationMicros) {
        String why = DamonAvailability.whyNot(admin);
        if (!why.isEmpty()) return new Attempt(null, why);
        if (vms < 1) return new Attempt(null, "no VMs to monitor");
        Path kd = admin.resolve("kdamonds");
        try {
            write(kd.resolve("nr_kdamonds"), Integer.toString(vms));
        } catch (IOException e) {
            return new Attempt(null, "cannot create " + vms + " kdamonds through " + kd.resolve("nr_kdamonds") + " (" + e.getMessage() + ")");
        }
        try {
            for (int i = 0; i < vms; i++) configure(kd.resolve(Integer.toString(i)), aggregationMicros);
        } catch (IOException | IllegalStateException e) {
            removeAll(kd);
            return new Attempt(null, e.getMessage());
        }
        return new Attempt(new DamonActiveMemory(kd, vms), "");
    }

    /** Sets up kdamond {@code k}'s context: vaddr operations, intervals and the "accessed at least once" stat scheme. */
    private static void configure(Path k, long aggregationMicros) throws IOException {
        write(k.resolve("contexts/nr_contexts"), "1");
        Path ctx = k.resolve("contexts/0");
        Path avail = ctx.resolve("avail_operations");
        if (Files.exists(avail)) {
            String ops = Files.readString(avail).trim();
            if (!Arrays.asList(ops.split("\\s+")).contains("vaddr")) {
                throw new IllegalStateException("this kernel's DAMON cannot monitor virtual address spaces (avail_operations: " + ops + ", no vaddr)");
            }
        }
        write(ctx.resolve("operations"), "vaddr");
        Path iv = ctx.resolve("monitoring_attrs/intervals");
        write(iv.resolve("sample_us"), Long.toString(SAMPLE_US));
        write(iv.resolve("aggr_us"), Long.toString(Math.max(SAMPLE_US, aggregationMicros)));
        write(iv.resolve("update_us"), Long.toString(UPDATE_US));
        write(ctx.resolve("targets/nr_targets"), "1");
        write(ctx.resolve("schemes/nr_schemes"), "1");
        Path s = ctx.resolve("schemes/0");
        write(s.resolve("action"), "stat");
        Path ap = s.resolve("access_pattern");
        write(ap.resolve("sz/min"), "0");
        write(ap.resolve("sz/max"), U64_MAX);
        write(ap.resolve("nr_accesses/min"), "1");
        write(ap.resolve("nr_accesses/max"), U32_MAX);
        write(ap.resolve("age/min"), "0");
        write(ap.resolve("age/max"), U32_MAX);
    }

    @Override
    public long activeBytes(String vm, long pid, long guestRamBytes) {
        int slot = slotOf(vm);
        if (slot < 0) return -1;
        Path k = kdamonds.resolve(Integer.toString(slot));
        try {
            // a vaddr kdamond stops by itself when its process exits: start it again on the VM's (new) QEMU
            if (pidOfSlot[slot] != pid || read(k.resolve("state")).equals("off")) {
                if (!read(k.resolve("state")).equals("off")) write(k.resolve("state"), "off");
                write(k.resolve("contexts/0/targets/0/pid_target"), Long.toString(pid));
                write(k.resolve("state"), "on");
                pidOfSlot[slot] = pid;
                return -1;
            }
            write(k.resolve("state"), "update_schemes_tried_bytes");
            return Long.parseLong(read(k.resolve("contexts/0/schemes/0/tried_regions/total_bytes")));
        } catch (IOException | NumberFormatException e) {
            pidOfSlot[slot] = -1;
            return -1;
        }
    }

    /** Stops the VM's kdamond and frees its slot for another VM. */
    @Override
    public void release(String vm) {
        for (int i = 0; i < vmOfSlot.length; i++) {
            if (!vm.equals(vmOfSlot[i])) continue;
            Path k = kdamonds.resolve(Integer.toString(i));
            try {
                if (!read(k.resolve("state")).equals("off")) write(k.resolve("state"), "off");
            } catch (IOException e) {
                // a kdamond of a process that exited is off already
            }
            vmOfSlot[i] = null;
            pidOfSlot[i] = -1;
        }
    }

    @Override
    public String description() {
        return "DAMON (" + vmOfSlot.length + " kdamonds, vaddr, " + kdamonds + ")";
    }

    /** Stops and removes the kdamonds this made. */
    @Override
    public void close() {
        removeAll(kdamonds);
    }

    private int slotOf(String vm) {
        for (int i = 0; i < vmOfSlot.length; i++) if (vm.equals(vmOfSlot[i])) return i;
        for (int i = 0; i < vmOfSlot.length; i++) {
            if (vmOfSlot[i] == null) {
                vmOfSlot[i] = vm;
                return i;
            }
        }
        return -1;
    }

    private static void removeAll(Path kd) {
        try {
            int n = Integer.parseInt(read(kd.resolve("nr_kdamonds")));
            for (int i = 0; i < n; i++) {
                Path state = kd.resolve(i + "/state");
                if (Files.exists(state) && !read(state).equals("off")) write(state, "off");
            }
            write(kd.resolve("nr_kdamonds"), "0");
        } catch (IOException | NumberFormatException e) {
            // best effort: a kdamond whose process is gone stops by itself
        }
    }

    private static void write(Path p, String value) throws IOException {
        try {
            Files.writeString(p, value);
        } catch (IOException e) {
            throw new IOException("cannot write " + value + " to " + p + ": " + e.getMessage(), e);
        }
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p).trim();
    }
}
