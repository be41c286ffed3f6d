package dev.memvisor.cli.fidelity;

import dev.memvisor.core.settings.Setting;

import java.util.ArrayList;
import java.util.List;

/**
 * The fidelity manifest ({@code examples/fidelity/fidelity.yaml}): each row a published result of a source,
 * the band the simulator must land in, how to measure it and which scenarios to run. Bound from YAML with
 * file, line and key in every error (the settings module's {@code YamlDocument}).
 */
public final class FidelityManifest {
    @Setting("the rows, in the order of the table")
    public List<Row> rows = new ArrayList<>();

    /** One published result. */
    public static final class Row {
        @Setting(value = "a short name", absent = Setting.REQUIRED)
        public String id;
        @Setting(value = "where the result is published", absent = Setting.REQUIRED)
        public String source;
        @Setting(value = "what the source says, in a few words", absent = Setting.REQUIRED)
        public String claim;
        @Setting(value = "the published figure (a ratio, a fraction)", absent = Setting.REQUIRED)
        public Double published;
        @Setting("how the figure is written after the number (x, %, MB); empty for a plain number")
        public String unit = "";
        @Setting(value = "[low, high]: the simulated figure passes inside it (15 % of the published one unless the source says more)",
                absent = Setting.REQUIRED)
        public List<Double> band;
        @Setting(value = "how the simulated figure is measured: slowdownRatio, throughputRatio, allocationRatio, sharedFraction,"
                + " guestCpuW, savedRatio, convergenceTimeRatio, peakSwappedMb", absent = Setting.REQUIRED)
        public String metric;
        @Setting(value = "the run measured", absent = Setting.REQUIRED)
        public Run run;
        @Setting("the run compared against (slowdownRatio, throughputRatio, savedRatio, convergenceTimeRatio)")
        public Run baseline;
        @Setting("the VM measured: its name, or for slowdownRatio the prefix of the VMs averaged")
        public String vm;
        @Setting("allocationRatio: the VM the first is divided by")
        public String other;
        @Setting("pass (the default: the row must be in its band) or miss (a known miss, said in why; the command reports it)")
        public String expect = "pass";
        @Setting("why a known miss misses, or anything the reader should know")
        public String why = "";
    }

    /** A scenario of the manifest's folder and the overrides it runs with. */
    public static final class Run {
        @Setting(value = "scenario file, relative to the manifest", absent = Setting.REQUIRED)
        public String scenario;
        @Setting("--set overrides, PATH=VALUE")
        public List<String> set = new ArrayList<>();
    }
}
