package dev.memvisor.sim.scenario;

/** A scenario that cannot run: the message names the file, line and field and what was expected. */
public final class ScenarioException extends RuntimeException {
    private final String field;

    /** Creates the exception for a field (dotted path such as {@code host.cores}). */
    public ScenarioException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The dotted path of the offending field, or empty for the whole file. */
    public String field() { return field; }
}
