package dev.memvisor.sim.migration;

/** Which working-set pages a guest's writes hit. */
public enum Locality {
    /** Writes sweep the hot part of the working set in address order, wrapping (as memvisor's mvload does). */
    SEQUENTIAL,
    /** Each write hits a page of the hot part chosen uniformly at random (seeded). */
    UNIFORM
}
