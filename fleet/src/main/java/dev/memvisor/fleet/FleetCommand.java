package dev.memvisor.fleet;

import dev.memvisor.fleet.model.Fleet;
import dev.memvisor.fleet.model.FleetResolver;
import dev.memvisor.fleet.report.FleetHtml;
import dev.memvisor.fleet.report.FleetJson;
import dev.memvisor.fleet.report.FleetTable;
import dev.memvisor.fleet.report.HostFiles;
import dev.memvisor.fleet.run.SparkHosts;
import dev.memvisor.fleet.search.FleetResult;
import dev.memvisor.fleet.search.FleetSearch;
import dev.memvisor.fleet.spec.FleetFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code memvisor fleet}: the fewest hosts per policy that keep every VM's slowdown within the bound. */
@Command(name = "memvisor fleet", mixinStandardHelpOptions = true, versionProvider = FleetCommand.Version.class,
        description = {"For each policy, find the fewest hosts of one type that keep every VM of a fleet within a slowdown bound:"
                + " places the VMs on a host count (first-fit-decreasing by configured memory, reservation or a demand percentile),"
                + " simulates every host as a Spark task, and searches over host counts. Writes fleet.json, report.html, timing.json"
                + " and every host's scenario and summary.json into the output folder; prints a table.",
                "Embedded Spark (local[*]) by default; --master spark://HOST:7077 (or spark-submit of the fleet jar) runs the same job"
                + " on a cluster, where the traces must be readable at the same paths on every worker."})
public final class FleetCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FLEET.yaml", description = "The fleet file (see README, section Fleet).")
    Path fleetFile;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Folder for the outputs (created if missing).")
    Path out;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master: local[N], local[*] (default, unless spark-submit sets one) or spark://HOST:PORT.")
    String master;

    @Option(names = "--policies", paramLabel = "A,B", split = ",", description = "Policies to compare (replaces the file's policies).")
    List<String> policies;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "A Spark setting, e.g. --conf spark.executor.memory=8g; repeatable.")
    List<String> conf = new ArrayList<>();

    /** memvisor fleet's version line names the Spark it runs on. */
    static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = FleetCommand.class.getPackage().getImplementationVersion();
            return new String[] {"memvisor fleet " + (v == null ? "(development build)" : v),
                    "Apache Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION(),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter outw = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        FleetFile file = FleetFile.read(fleetFile);
        if (policies != null) file.spec().policies = new ArrayList<>(policies);
        Fleet fleet = FleetResolver.resolve(file);
        Files.createDirectories(out);
        FleetSearch search = new FleetSearch(fleet, new HostFiles(out), err);
        err.println(FleetTable.headline(fleet));
        if (!fleet.absent().isEmpty()) {
            err.println("fleet: " + fleet.absent().size() + " VMs left out (no trace row at the window's start; every one in fleet.json), e.g. "
                    + String.join("; ", fleet.absent().subList(0, Math.min(3, fleet.absent().size()))));
        }
        err.printf("fleet: searching %d to %d hosts from %d (first-fit-decreasing at the host's memory)%n",
                fleet.minHosts(), fleet.maxHosts(), search.firstGuess());
        err.flush();
        FleetResult r;
        try (SparkHosts spark = new SparkHosts(master, conf, err)) {
            r = search.run(spark);
        }
        FleetJson.write(r, out);
        FleetHtml.write(r, out);
        FleetTable.print(r, outw);
        outw.println("outputs: " + out.toAbsolutePath().normalize() + " (report.html, fleet.json, timing.json, hosts/)");
        outw.flush();
        return r.policies().stream().allMatch(p -> p.hostsNeeded() != null) ? 0 : 3;
    }
}
