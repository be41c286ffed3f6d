package dev.memvisor.sim.migration;

import java.util.Map;

/** A benchmark scenario: the guest and its writes as the model takes them, and what the real runs measured per strategy. */
public record CalibrationScenario(String name, String description, GuestProfile guest, DirtyModel dirty,
                                  Map<MigrationStrategy, MeasuredRun> measured) {}
