package dev.memvisor.qemu.migrate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memvisor.qemu.qmp.GuestStats;
import dev.memvisor.qemu.qmp.QmpClient;
import dev.memvisor.qemu.qmp.QmpErrorReply;
import dev.memvisor.qemu.qmp.QmpException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Runs one pre-copy live migration (Clark et al., NSDI 2005) through QMP and collects its figures:
 * optionally starts the destination listening ({@code migrate-incoming}), shrinks the guest with
 * its balloon first when asked, issues {@code migrate}, polls {@code query-migrate} until it ends,
 * waits for the destination to run and gives ballooned memory back. On failure the source keeps
 * running (resumed with {@code cont} if QEMU left it paused) and gets its memory back.
 */
public final class LiveMigration {
    private static final Duration POLL = Duration.ofMillis(100);
    private static final long MIB = 1L << 20;
    /** How long the destination must keep running after the migration to count as a success. */
    static final Duration SETTLE = Duration.ofSeconds(5);

    private final Consumer<String> log;
    private Duration timeout = Duration.ofMinutes(10);
    private long maxBandwidth = 0;

    /** A migration runner that reports progress lines to {@code log}. */
    public LiveMigration(Consumer<String> log) {
        this.log = log;
    }

    /** Gives up (migrate_cancel) after this long; default 10 minutes. */
    public LiveMigration timeout(Duration d) {
        this.timeout = d;
        return this;
    }

    /**
     * Whether to watch the destination for {@link #SETTLE} after it runs and count its death as a
     * failure (default on; benchmarks turn it off to record such runs themselves).
     */
    public LiveMigration verifyDestination(boolean on) {
        this.verify = on;
        return this;
    }

    private boolean verify = true;

    /** Caps the migration's bandwidth in bytes per second (QEMU max-bandwidth); 0 keeps QEMU's setting. */
    public LiveMigration maxBandwidth(long bytesPerSecond) {
        this.maxBandwidth = bytesPerSecond;
        return this;
    }

    /**
     * Resolves {@code auto}: free-page-hint when the balloon has it on and the guest runs on KVM,
     * else balloon-first with a balloon and a destination whose QMP this side holds (to check it before
     * shrinking the guest and to give the memory back after), else plain. Under TCG (QEMU 7.2, guest
     * Linux 6.1) 7 of 18 free-page-hint migrations crashed the guest on the destination (kernel oops
     * right after resuming; BENCHMARKS.md, migration), so auto does not choose it there.
     */
    public static MigrationStrategy resolve(QmpClient src, MigrationStrategy requested, boolean destinationKnown) {
        if (requested != MigrationStrategy.AUTO) return requested;
        Optional<String> balloon = balloonPath(src);
        if (balloon.isEmpty()) return MigrationStrategy.PLAIN;
        if (freePageHint(src, balloon.get()) && onKvm(src)) return MigrationStrategy.FREE_PAGE_HINT;
        return destinationKnown ? MigrationStrategy.BALLOON_FIRST : MigrationStrategy.PLAIN;
    }

    /** Whether the guest runs on KVM ({@code query-kvm}). */
    static boolean onKvm(QmpClient q) {
        return q.execute("query-kvm", null).path("enabled").asBoolean(false);
    }

    /**
     * Migrates the guest behind {@code src} to {@code uri}.
     *
     * @param vm   the guest's name, for messages
     * @param dest the destination's QMP when this side controls it (it is then told to listen on
     *             {@code uri}, waited for and given ballooned memory back); empty for a destination
     *             already started with {@code -incoming uri}
     * @throws MigrationException naming the guest, the URI and QEMU's reason; the source is running again
     */
    public MigrationResult migrate(String vm, QmpClient src, Optional<QmpClient> dest, String uri, MigrationStrategy requested) {
        List<String> notes = new ArrayList<>();
        MigrationStrategy strategy = resolve(src, requested, dest.isPresent());
        Optional<String> balloon = balloonPath(src);
        if (strategy == MigrationStrategy.FREE_PAGE_HINT && (balloon.isEmpty() || !freePageHint(src, balloon.get()))) {
            throw new MigrationException("guest " + vm + ": strategy free-page-hint needs a balloon with free-page-hint on; start QEMU with"
                    + " -object iothread,id=io0 -device virtio-balloon-pci,free-page-hint=on,iothread=io0, or use --strategy balloon-first");
        }
        if (strategy == MigrationStrategy.BALLOON_FIRST && balloon.isEmpty()) {
            throw new MigrationException("guest " + vm + ": strategy balloon-first needs a virtio-balloon device; use --strategy plain");
        }
        if (strategy == MigrationStrategy.BALLOON_FIRST && dest.isEmpty()) {
            throw new MigrationException("guest " + vm + ": strategy balloon-first needs the destination's QMP socket (--dest-qmp), to check"
                    + " the destination before shrinking the guest and to give the memory back there; or use --strategy plain");
        }
        if (requested == MigrationStrategy.AUTO && strategy == MigrationStrategy.PLAIN && balloon.isPresent() && dest.isEmpty()) {
            notes.add("auto did not balloon the guest first: without the destination's QMP socket (--dest-qmp) the destination cannot"
                    + " be checked before the guest is shrunk, nor the memory given back on arrival");
        }
        if (requested == MigrationStrategy.AUTO && strategy != MigrationStrategy.FREE_PAGE_HINT && balloon.isPresent() && freePageHint(src, balloon.get())) {
            notes.add("auto did not use free-page-hint: the guest runs on TCG, where free-page-hint migrations sometimes crashed the guest on arrival in our runs");
        }
        if (strategy == MigrationStrategy.PLAIN && balloon.isPresent() && freePageHint(src, balloon.get())) {
            notes.add("the balloon has free-page-hint on, and QEMU uses it in every pre-copy migration");
        }
        String status = src.queryStatus();
        if (!status.equals("running")) throw new MigrationException("guest " + vm + " is " + status + ", not running; nothing migrated");
        long ram = src.execute("query-memory-size-summary", null).path("base-memory").asLong(0);
        if (TcgDirtyTracking.atRisk(onKvm(src), src.qemuVersion(), ram)) notes.add(TcgDirtyTracking.note(src.qemuVersion(), ram));
        // the destination first: a dead or busy one must not cost the guest its memory
        if (dest.isPresent()) prepareDestination(vm, dest.get(), uri, notes);

        long guestFree = balloon.map(b -> freshStats(src, b).freeBytes()).orElse(-1L);
        long before = src.queryBalloon().actualBytes();
        long ballooned = 0;
        long t0 = System.nanoTime();
        MigrationResult r = null;
        try {
            if (strategy == MigrationStrategy.BALLOON_FIRST) ballooned = shrink(vm, src, balloon.get(), before);
            long balloonMillis = (System.nanoTime() - t0) / 1_000_000;
            if (maxBandwidth > 0) src.execute("migrate-set-parameters", Map.of("max-bandwidth", maxBandwidth));
            JsonNode last = run(vm, src, uri);
            r = withDirtyRate(result(vm, uri, requested, strategy, last, ballooned, balloonMillis, guestFree, notes, 0), maxDirtyRate);
            if (dest.isPresent()) {
                awaitRunning(vm, dest.get());
                if (verify) settle(vm, dest.get());
                if (ballooned > 0) {
                    long back = setBalloon(dest.get(), before);
                    log.accept("gave memory back to " + vm + " on the destination: now " + back / MIB + " MiB");
                }
            }
            return r;
        } catch (RuntimeException e) {
            String state = recoverSource(src, before, ballooned);
            if (r != null) {
                throw new MigrationException("migration of " + vm + " to " + uri + " completed, but then the destination failed: "
                        + e.getMessage() + "; the source guest " + state, e, r);
            }
            if (e instanceof MigrationException m) throw new MigrationException(m.getMessage() + "; the source guest " + state, m);
            throw new MigrationException("migration of " + vm + " to " + uri + " failed: " + e.getMessage() + "; the source guest " + state, e);
        }
    }

    /**
     * Checks that the destination waits for a migration and has it listen on {@code uri}: a QEMU
     * started with {@code -incoming defer} is told the URI ({@code migrate-incoming}); one started with
     * {@code -incoming URI} (or told one already) listens on its own URI, which QMP does not report, so
     * it is taken as given: QEMU refuses migrate-incoming there ("The incoming migration has already
     * been started" in QEMU 7.2, "For use with '-incoming defer'" in later ones).
     *
     * @throws MigrationException naming the destination's state or QEMU's reason; nothing has been changed on the source
     */
    private void prepareDestination(String vm, QmpClient dest, String uri, List<String> notes) {
        String status;
        try {
            status = dest.queryStatus();
        } catch (QmpException e) {
            throw new MigrationException("migration of " + vm + ": the destination (QMP " + dest.socket() + ") does not answer: "
                    + e.getMessage() + "; nothing was changed on the source");
        }
        if (!status.equals("inmigrate")) {
            throw new MigrationException("migration of " + vm + ": the destination (QMP " + dest.socket() + ") is " + status
                    + ", not waiting for a migration (start it with -incoming defer or -incoming " + uri + "); nothing was changed on the source");
        }
        try {
            dest.execute("migrate-incoming", Map.of("uri", uri));
            log.accept("destination listening on " + uri);
        } catch (QmpErrorReply e) {
            if (!e.desc().contains("-incoming defer") && !e.desc().contains("already been started")) {
                throw new MigrationException("migration of " + vm + ": the destination cannot listen on " + uri + ": " + e.desc()
                        + "; nothing was changed on the source");
            }
            notes.add("the destination was started with -incoming URI, so it listens on its own URI; migrated to " + uri);
            log.accept("destination already listening (started with -incoming URI); migrating to " + uri);
        }
    }

    private long maxDirtyRate;

    /** Issues migrate and polls query-migrate until it ends; returns the last answer of a completed migration. */
    private JsonNode run(String vm, QmpClient src, String uri) {
        maxDirtyRate = 0;
        try {
            src.execute("migrate", Map.of("uri", uri));
        } catch (QmpErrorReply e) {
            throw new MigrationException("migration of " + vm + " to " + uri + " could not start: " + e.desc());
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextLog = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (true) {
            JsonNode r = src.execute("query-migrate", null);
            String status = r.path("status").asText("none");
            JsonNode ram = r.path("ram");
            maxDirtyRate = Math.max(maxDirtyRate, ram.path("dirty-pages-rate").asLong(0));
            switch (status) {
                case "completed" -> {
                    log.accept("migration of " + vm + " completed: " + ram.path("transferred").asLong() / MIB + " MiB in "
                            + r.path("total-time").asLong() + " ms, downtime " + r.path("downtime").asLong() + " ms");
                    return r;
                }
                case "failed", "cancelled" -> throw new MigrationException("migration of " + vm + " to " + uri + " " + status + ": "
                        + r.path("error-desc").asText("QEMU gave no reason"));
                default -> { }
            }
            if (System.nanoTime() > nextLog) {
                log.accept("migrating " + vm + ": " + status + ", " + ram.path("transferred").asLong() / MIB + " MiB sent, "
                        + ram.path("remaining").asLong() / MIB + " MiB left, round " + ram.path("dirty-sync-count").asLong());
                nextLog += Duration.ofSeconds(2).toNanos();
            }
            if (System.nanoTime() > deadline) {
                try {
                    src.execute("migrate_cancel", null);
                } catch (QmpException ignored) {
                    // reported below
                }
                throw new MigrationException("migration of " + vm + " to " + uri + " did not finish within " + timeout.toSeconds() + " s; cancelled");
            }
            sleep(POLL);
        }
    }

    private static MigrationResult result(String vm, String uri, MigrationStrategy requested, MigrationStrategy used, JsonNode r,
                                          long ballooned, long balloonMillis, long guestFree, List<String> notes, long dirtyRate) {
        JsonNode ram = r.path("ram");
        return new MigrationResult(vm, uri, requested, used, r.path("status").asText(), ram.path("transferred").asLong(0),
                ram.path("total").asLong(0), r.path("total-time").asLong(-1), r.path("downtime").asLong(-1),
                r.path("setup-time").asLong(-1), ram.path("dirty-sync-count").asLong(0), dirtyRate,
                ram.path("duplicate").asLong(0), ram.path("normal").asLong(0), ballooned, balloonMillis, guestFree, List.copyOf(notes));
    }

    private static MigrationResult withDirtyRate(MigrationResult r, long rate) {
        return new MigrationResult(r.vm(), r.uri(), r.requested(), r.strategy(), r.status(), r.transferredBytes(), r.ramBytes(),
                r.totalTimeMillis(), r.downtimeMillis(), r.setupTimeMillis(), r.iterations(), rate, r.zeroPages(), r.normalPages(),
                r.balloonedBytes(), r.balloonMillis(), r.guestFreeBytes(), r.notes());
    }

    /**
     * Inflates the balloon toward the guest's working set: the guest keeps what it uses
     * (RAM less MemAvailable) plus a headroom of 1/16 of RAM, at least 32 MiB.
     * Returns the bytes the balloon took.
     */
    private long shrink(String vm, QmpClient src, String balloon, long before) {
        GuestStats s = freshStats(src, balloon);
        if (s.availableBytes() < 0) throw new MigrationException("guest " + vm + ": its balloon reports no available memory; cannot size balloon-first");
        long headroom = Math.max(32 * MIB, before / 16);
        long target = Math.max(64 * MIB, before - s.availableBytes() + headroom);
        target = Math.min(before, target & ~(MIB - 1));
        if (target >= before - 16 * MIB) {
            log.accept("balloon-first: " + vm + " uses most of its memory; not shrinking");
            return 0;
        }
        log.accept("balloon-first: shrinking " + vm + " from " + before / MIB + " to " + target / MIB + " MiB");
        long actual = setBalloon(src, target);
        log.accept("balloon-first: " + vm + " at " + actual / MIB + " MiB");
        return before - actual;
    }

    /**
     * Sets the balloon target and waits until the guest's memory is within 4 MiB of it or has not
     * moved for 5 s (the guest may refuse part of it), at most 120 s; returns where it ended.
     */
    static long setBalloon(QmpClient q, long target) {
        q.balloon(target);
        long actual = q.queryBalloon().actualBytes(), lastChange = System.nanoTime(), deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (Math.abs(actual - target) > 4 * MIB && System.nanoTime() - lastChange < Duration.ofSeconds(5).toNanos() && System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(250));
            long now = q.queryBalloon().actualBytes();
            if (now != actual) lastChange = System.nanoTime();
            actual = now;
        }
        return actual;
    }

    /** Waits up to 60 s for the destination guest to run. */
    private void awaitRunning(String vm, QmpClient dest) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (String s = dest.queryStatus(); !s.equals("running"); s = dest.queryStatus()) {
            if (System.nanoTime() > deadline) throw new MigrationException("migration of " + vm + " completed but the destination is " + s + ", not running");
            sleep(POLL);
        }
    }

    /**
     * Watches the destination for a few seconds after it started running: a guest whose memory
     * arrived damaged panics at once, and with -no-reboot its QEMU exits.
     */
    private void settle(String vm, QmpClient dest) {
        long end = System.nanoTime() + SETTLE.toNanos();
        while (System.nanoTime() < end) {
            String s;
            try {
                s = dest.queryStatus();
            } catch (QmpException e) {
                throw new MigrationException("migration of " + vm + " completed but the destination QEMU exited within "
                        + SETTLE.toSeconds() + " s (the guest crashed on arrival?)");
            }
            if (!s.equals("running")) throw new MigrationException("migration of " + vm + " completed but the destination guest is " + s);
            sleep(Duration.ofMillis(250));
        }
    }

    /** Makes sure the source runs and has its memory back; returns a description of its state. */
    private String recoverSource(QmpClient src, long before, long ballooned) {
        try {
            String s = src.queryStatus();
            boolean resumed = false;
            if (!s.equals("running")) {
                src.execute("cont", null);
                s = src.queryStatus();
                resumed = true;
            }
            if (ballooned > 0) src.balloon(before);
            if (!s.equals("running")) return "is " + s;
            return resumed ? "was resumed and keeps running" : "keeps running";
        } catch (QmpException e) {
            return "cannot be reached (" + e.getMessage() + ")";
        }
    }

    /** The balloon's QOM path, if the guest has one. */
    static Optional<String> balloonPath(QmpClient q) {
        try {
            return Optional.of(q.findBalloonPath());
        } catch (QmpException e) {
            return Optional.empty();
        }
    }

    /** Whether the balloon device has free-page-hint on (qom-get of its property). */
    static boolean freePageHint(QmpClient q, String balloon) {
        try {
            return q.qomGet(balloon, "free-page-hint").asBoolean(false);
        } catch (QmpErrorReply e) {
            return false;
        }
    }

    /** Guest statistics newer than now: polls every second for up to 10 s (turning polling on if it was off). */
    static GuestStats freshStats(QmpClient q, String balloon) {
        int interval = q.qomGet(balloon, "guest-stats-polling-interval").asInt(0);
        if (interval == 0) q.setGuestStatsPollingInterval(balloon, 1);
        long start = System.currentTimeMillis() / 1000;
        long deadline = System.nanoTime() + Duration.ofSeconds(Math.max(10, 3L * interval)).toNanos();
        GuestStats s = q.guestStats(balloon);
        while (s.lastUpdateEpochSeconds() < start && System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(250));
            s = q.guestStats(balloon);
        }
        if (interval == 0) q.setGuestStatsPollingInterval(balloon, 0);
        return s;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationException("interrupted");
        }
    }
}
