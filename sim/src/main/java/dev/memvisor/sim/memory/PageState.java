package dev.memvisor.sim.memory;

/**
 * The codes of the per-page arrays in {@link VmPages}. Host side: what backs a guest-physical page.
 * Guest side: what the guest uses the page for, plus reference bits.
 */
public final class PageState {
    private PageState() {}

    /** Host: no machine page behind it (never touched, or given back by the balloon). */
    public static final byte UNBACKED = 0;
    /** Host: a private machine page. */
    public static final byte MAPPED = 1;
    /** Host: a copy-on-write shared machine page. */
    public static final byte SHARED = 2;
    /** Host: in the hypervisor's swap. */
    public static final byte SWAPPED = 3;
    /** Host: in the VM's compression cache. */
    public static final byte COMPRESSED = 4;

    /** Guest: on the free list. */
    public static final int FREE = 0;
    /** Guest: page cache (clean file data; dropped without I/O). */
    public static final int CACHE = 1;
    /** Guest: an application's anonymous page. */
    public static final int ANON = 2;
    /** Guest: pinned by the balloon driver. */
    public static final int BALLOON = 3;
    /** Guest: mask of the use above. */
    public static final int KIND = 3;
    /** Guest: referenced bit the guest's CLOCK clears. */
    public static final int REF = 4;
    /** Guest: touched bit the hypervisor's active-memory sampler clears. */
    public static final int ACT = 8;

    /** Content id of a zero page. */
    public static final int ZERO = 0;
    /** Content no other page has (unique content is never equal to another page's, so one marker serves for all of it). */
    public static final int UNIQUE = -1;

    /** Page table: a virtual page never touched (or freed). */
    public static final int NOT_PRESENT = -1;
    /** Page table: a virtual page in the guest's swap. */
    public static final int IN_GUEST_SWAP = -2;
}
