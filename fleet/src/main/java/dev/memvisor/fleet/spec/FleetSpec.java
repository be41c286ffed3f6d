package dev.memvisor.fleet.spec;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/** FLEET.yaml as written: the VMs, the host type, the placement rule, the policies, the bound and the window. */
public final class FleetSpec {
    /** Seed of every host simulation. */
    public long seed = 1;
    /** The stretch of the traces (or of simulated time) every host simulation covers. */
    public WindowSpec window = new WindowSpec();
    /** Simulator main-loop step; empty keeps the scenario default. */
    public String step;
    /** Time between recorded samples; the Bitbrains row interval by default. */
    public String sampleInterval = "300s";
    /** The policy block's settings shared by every policy compared (its name comes from {@code policies}). */
    public ObjectNode policy;
    /** The host type: {@code memory}, {@code cores} and any other scenario {@code host} field. */
    public ObjectNode host;
    /** How VMs are placed on a given number of hosts. */
    public PlacementSpec placement = new PlacementSpec();
    /** The policies to compare. */
    public List<String> policies = new ArrayList<>(List.of("esx"));
    /** Largest slowdown any VM may have on a host count that passes. */
    public double slowdown = 1.2;
    /** Limits of the search over host counts. */
    public SearchSpec search = new SearchSpec();
    /** The VMs: Bitbrains trace folders or synthetic entries. */
    public List<VmEntrySpec> vms;
}
