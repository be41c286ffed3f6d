package dev.memvisor.fleet.spec;

/** {@code search}: bounds of the host counts tried (0 = automatic). */
public final class SearchSpec {
    /** Fewest hosts to try; 0 = what admission control allows. */
    public int min;
    /** Most hosts to try; 0 = one host per VM. */
    public int max;
}
