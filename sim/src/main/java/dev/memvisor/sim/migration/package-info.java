/**
 * The simulator's pre-copy live-migration model: a guest's pages in primitive arrays, a dirtying
 * process, and QEMU's pre-copy loop (bulk round, dirty rounds, stop-and-copy) under three
 * strategies: plain, free-page-hint (free pages known and skipped) and balloon-first.
 * Source: Clark et al., "Live Migration of Virtual Machines", NSDI 2005 (pre-copy); Chiang et al.,
 * "Introspection-based memory de-duplication and migration", VEE 2013 (skipping free pages).
 */
package dev.memvisor.sim.migration;
