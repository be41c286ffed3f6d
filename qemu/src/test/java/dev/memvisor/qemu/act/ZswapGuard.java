package dev.memvisor.qemu.act;

/**
 * The host's zswap settings saved when a test starts and put back when it ends, whatever the test or
 * the manager under test did, also when the test fails and, through a JVM shutdown hook, when the test
 * JVM exits first. Needs root.
 */
public final class ZswapGuard implements AutoCloseable {
    private final ZswapControl zswap = new ZswapControl(ZswapControl.systemDir());
    private final ZswapControl.Settings saved;
    private final Thread hook;

    private ZswapGuard() {
        if (!zswap.available()) throw new IllegalStateException("this kernel has no zswap (" + ZswapControl.systemDir() + ")");
        saved = zswap.read();
        hook = new Thread(this::restore, "memvisor-test-zswap-restore");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Saves the host's zswap settings now. */
    public static ZswapGuard save() {
        return new ZswapGuard();
    }

    /** The settings as they were when the test started. */
    public ZswapControl.Settings saved() { return saved; }

    /** The settings now. */
    public ZswapControl.Settings now() { return zswap.read(); }

    /** Puts the saved settings back. */
    @Override
    public void close() {
        restore();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down and runs the hook itself
        }
    }

    private synchronized void restore() {
        if (!zswap.read().equals(saved)) zswap.restore(saved);
    }
}
