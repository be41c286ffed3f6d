package dev.memvisor.fleet.spec;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One entry of {@code vms}: a folder of Bitbrains traces ({@code traces}) or {@code count} synthetic
 * VMs. Every other field is a scenario VM field ({@code vcpus}, {@code image}, {@code workload}...)
 * copied into each host's scenario as written.
 */
public final class VmEntrySpec {
    /** The VMs' name: {@code name-N} (N the trace number, or 1..count). */
    public String name;
    /** Synthetic: how many VMs; with traces: the first N traces of the folder by number (0 = all). */
    public Integer count;
    /** A Bitbrains GWA-T-12 folder (fastStorage or Rnd layout: {@code N.csv} or {@code N.csv.gz} files). */
    public String traces;
    /** Synthetic only: configured memory (traces: the trace's provisioned memory). */
    public String memory;
    /** A size, or a percentage of configured memory such as {@code 25%}. */
    public String reservation;
    /** Synthetic only: memory demand the {@code demand} placement rule packs by (default: configured memory). */
    public String demand;
    /** Scenario VM fields passed through. */
    private final Map<String, JsonNode> scenario = new LinkedHashMap<>();

    /** Collects a scenario VM field. */
    @JsonAnySetter
    public void set(String key, JsonNode value) { scenario.put(key, value); }

    /** The scenario VM fields as written. */
    @JsonAnyGetter
    public Map<String, JsonNode> scenario() { return scenario; }
}
