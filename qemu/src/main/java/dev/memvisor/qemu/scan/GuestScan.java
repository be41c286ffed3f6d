package dev.memvisor.qemu.scan;

/**
 * What a scan found in one guest's memory.
 *
 * @param name              the guest or dump
 * @param bytes             bytes scanned (whole pages)
 * @param pages             4 KiB pages scanned
 * @param zeroPages         pages of zeros
 * @param distinctNonZero   distinct non-zero contents in this guest
 * @param duplicatePages    non-zero pages whose content occurs earlier in this guest (pages - zero - distinct)
 * @param tailBytes         bytes at the end of segments too short for a page, not scanned
 * @param nanos             time the scan of this guest took
 */
public record GuestScan(String name, long bytes, long pages, long zeroPages, long distinctNonZero,
                        long duplicatePages, long tailBytes, long nanos) {
    /** Scan rate in GB/s (10^9 bytes per second). */
    public double gbPerSecond() { return nanos == 0 ? 0 : bytes / (double) nanos; }
}
