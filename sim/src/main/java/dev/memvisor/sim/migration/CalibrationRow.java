package dev.memvisor.sim.migration;

/** The model against a real run for one scenario and strategy. */
public record CalibrationRow(CalibrationScenario scenario, MigrationStrategy strategy, PreCopyResult model, MeasuredRun measured) {
    private static final double MIB = 1024.0 * 1024.0;

    /** The model's bytes in MiB. */
    public double modelMiB() { return model.bytes() / MIB; }

    /** (model - measured) / measured for the bytes sent. */
    public double bytesError() { return (modelMiB() - measured.transferredMiB()) / measured.transferredMiB(); }

    /** (model - measured) / measured for the total time. */
    public double timeError() { return (model.totalMicros() / 1000.0 - measured.totalMs()) / measured.totalMs(); }

    /** model - measured downtime in ms (downtimes are a few ms, so a relative error says little). */
    public double downtimeDifferenceMs() { return model.downtimeMicros() / 1000.0 - measured.downtimeMs(); }
}
