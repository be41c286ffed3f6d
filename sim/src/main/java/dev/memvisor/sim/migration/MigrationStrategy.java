package dev.memvisor.sim.migration;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How the model migrates a guest: as QEMU does by default, with free pages known, or after ballooning. */
public enum MigrationStrategy {
    /** Every page once (zero pages as markers), then the pages dirtied meanwhile, round after round. */
    PLAIN("plain"),
    /** As plain, but the guest's free pages are known (virtio-balloon free-page-hint) and never sent. */
    FREE_PAGE_HINT("free-page-hint"),
    /** Inflate the balloon to the guest's in-use memory plus headroom first; ballooned pages read as zero. */
    BALLOON_FIRST("balloon-first");

    private final String cliName;

    MigrationStrategy(String cliName) { this.cliName = cliName; }

    /** The name used on the command line and in JSON. */
    public String cliName() { return cliName; }

    /** The strategy called {@code name} on the command line; throws naming the accepted names otherwise. */
    public static MigrationStrategy parse(String name) {
        for (MigrationStrategy s : values()) if (s.cliName.equals(name.toLowerCase(Locale.ROOT))) return s;
        throw new IllegalArgumentException("strategy: got '" + name + "', expected one of "
                + Arrays.stream(values()).map(MigrationStrategy::cliName).collect(Collectors.joining(", ")));
    }
}
