package dev.memvisor.libvirt;

import org.libvirt.Library;
import org.libvirt.LibvirtException;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * The thread that runs libvirt's default event loop (virEventRegisterDefaultImpl, then
 * virEventRunDefaultImpl over and over), which delivers domain events, connection-close callbacks
 * and keepalives. libvirt has one such loop per process, so this is shared: the first
 * {@link LibvirtClient} starts it, the last one closed stops it (through the bindings' wake-up
 * timer, Library.stopEventLoop) and waits for the thread to end.
 */
final class LibvirtEventLoop {
    private static final Object LOCK = new Object();
    private static int users;
    private static Thread thread;
    /** Takes libvirt's errors off stderr: each one reaches the caller in a LibvirtCallException (held here so JNA keeps it). */
    private static final org.libvirt.jna.Libvirt.VirErrorCallback QUIET = (userData, error) -> { };

    private LibvirtEventLoop() {}

    /** Registers the event implementation (before any connection opens) and starts the thread if it is not running. */
    static void acquire(Consumer<String> log) throws LibvirtException {
        synchronized (LOCK) {
            Library.initEventLoop(); // idempotent; must precede virConnectOpen for events and keepalive
            org.libvirt.Connect.setErrorCallback(QUIET);
            if (users++ == 0) {
                Thread t = new Thread(() -> run(log), "memvisor-libvirt-events");
                t.setDaemon(true);
                thread = t;
                t.start();
            }
        }
    }

    /** Drops one user; the last one stops the loop and waits for its thread (at most {@code timeout}). */
    static void release(Duration timeout) {
        Thread t;
        synchronized (LOCK) {
            if (users == 0 || --users > 0) return;
            t = thread;
            thread = null;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            // stopEventLoop only wakes a loop that is already running, so repeat it until the thread has ended
            while (t.isAlive() && System.nanoTime() < deadline) {
                Library.stopEventLoop();
                t.join(50);
            }
        } catch (LibvirtException e) {
            t.interrupt();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the loop's thread runs (for tests). */
    static boolean running() {
        synchronized (LOCK) {
            return thread != null && thread.isAlive();
        }
    }

    private static void run(Consumer<String> log) {
        while (true) {
            try {
                Library.runEventLoop(); // returns after stopEventLoop
                return;
            } catch (InterruptedException e) {
                return;
            } catch (LibvirtException e) {
                // one failed iteration (a callback's error) must not end event delivery
                log.accept("libvirt event loop: " + e.getMessage());
                synchronized (LOCK) {
                    if (thread != Thread.currentThread()) return;
                }
            }
        }
    }
}
