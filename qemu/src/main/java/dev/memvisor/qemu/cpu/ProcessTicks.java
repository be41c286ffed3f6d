package dev.memvisor.qemu.cpu;

/**
 * One guest process in a CPU report ({@code MVPROC} line).
 *
 * @param pid   the guest process id
 * @param comm  its command name (spaces written as {@code _})
 * @param utime user time since it started, clock ticks
 * @param stime system time since it started, clock ticks
 */
public record ProcessTicks(long pid, String comm, long utime, long stime) {
    /** utime + stime. */
    public long ticks() { return utime + stime; }

    /** The key a process is reported under: {@code COMM:PID} (two processes may share a name, such as mvload's two roles). */
    public String key() { return comm + ":" + pid; }
}
