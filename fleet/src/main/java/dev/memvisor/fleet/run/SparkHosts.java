package dev.memvisor.fleet.run;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs host simulations as Spark tasks: one task per host, one job per round of the search.
 * Embedded ({@code local[*]}) unless a master is given or set by spark-submit; the same code runs on
 * a cluster, where the trace files must be readable at the same paths on every executor.
 */
public final class SparkHosts implements AutoCloseable {
    /** The master when neither {@code --master} nor spark-submit names one. */
    public static final String DEFAULT_MASTER = "local[*]";
    private static final long QUIET_NANOS = 2_000_000_000L;

    private final JavaSparkContext jsc;
    private final PrintWriter err;
    private final long started = System.nanoTime();
    private final AtomicInteger done = new AtomicInteger();
    private volatile int total;
    private volatile String label = "";

    /**
     * Starts Spark. {@code master} null keeps spark-submit's master (or {@link #DEFAULT_MASTER});
     * {@code confs} are {@code key=value} Spark settings; progress goes to {@code err}.
     */
    public SparkHosts(String master, List<String> confs, PrintWriter err) {
        this.err = err;
        SparkConf conf = new SparkConf().setAppName("memvisor fleet");
        for (String c : confs) {
            int eq = c.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("--conf " + c + ": expected KEY=VALUE, e.g. spark.executor.memory=8g");
            conf.set(c.substring(0, eq).trim(), c.substring(eq + 1).trim());
        }
        if (master != null) conf.setMaster(master);
        else if (!conf.contains("spark.master")) conf.setMaster(DEFAULT_MASTER);
        // no web UI and no console bar: progress is ours, on stderr; an embedded run listens on loopback only
        conf.setIfMissing("spark.ui.enabled", "false");
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        if (conf.get("spark.master").startsWith("local")) {
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        } else if (!conf.contains("spark.jars")) {
            Path jar = ownJar();
            if (jar != null) conf.setJars(new String[] {jar.toString()});
        }
        this.jsc = new JavaSparkContext(conf);
        jsc.sc().addSparkListener(new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                progress(done.incrementAndGet());
            }
        });
    }

    /** The master in use ({@code local[*]}, {@code spark://host:7077}, ...). */
    public String master() { return jsc.master(); }

    /** Task slots Spark reports (cores of an embedded run). */
    public int parallelism() { return jsc.defaultParallelism(); }

    /** Runs every task (one partition each, so Spark balances them) and returns the outcomes in task order. */
    public List<HostOutcome> run(List<HostTask> tasks, String what) {
        if (tasks.isEmpty()) return List.of();
        label = what;
        total = tasks.size();
        done.set(0);
        try {
            return jsc.parallelize(tasks, tasks.size()).map(HostSimulator::run).collect();
        } catch (RuntimeException e) {
            if (String.valueOf(e.getMessage()).contains(HostSimulator.OUT_OF_HEAP)) {
                // each host's page arrays live in the executor's heap, once per task running at once
                throw new IllegalStateException(String.format(Locale.ROOT, HostSimulator.OUT_OF_HEAP + " (%d task slots on %s,"
                        + " %.1f GB of heap here): give the JVM more (MEMVISOR_JAVA_OPTS=-Xmx16g ./memvisor fleet ...),"
                        + " run fewer hosts at once (--master local[1]) or, on a cluster, --conf spark.executor.memory=...",
                        parallelism(), master(), Runtime.getRuntime().maxMemory() / 1e9), e);
            }
            throw e;
        }
    }

    private synchronized void progress(int n) {
        long elapsed = System.nanoTime() - started;
        if (elapsed < QUIET_NANOS) return;
        err.printf(Locale.ROOT, "fleet: %s: %d/%d host simulations done, %s elapsed%n", label, Math.min(n, total), total, clock(elapsed));
        err.flush();
    }

    /** {@code 1h02m03s} style. */
    static String clock(long nanos) {
        long s = nanos / 1_000_000_000L;
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }

    private static Path ownJar() {
        try {
            Path p = Path.of(SparkHosts.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(p) ? p : null;
        } catch (Exception e) {
            return null;
        }
    }

    @Override
    public void close() {
        jsc.stop();
    }
}
