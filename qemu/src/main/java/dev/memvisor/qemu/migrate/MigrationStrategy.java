package dev.memvisor.qemu.migrate;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How a live migration avoids sending memory the guest does not use. */
public enum MigrationStrategy {
    /** QEMU's pre-copy as it is: every page is sent once, zero pages as a short marker. */
    PLAIN,
    /**
     * virtio-balloon free-page-hint: during pre-copy the guest reports its free pages and QEMU
     * clears them from the dirty bitmap (QEMU docs/devel/migration, virtio-balloon; VEE 2013).
     */
    FREE_PAGE_HINT,
    /** Inflate the balloon toward the guest's working set first, deflate on the destination after. */
    BALLOON_FIRST,
    /** free-page-hint when the guest's balloon has it, else balloon-first, else plain. */
    AUTO;

    /** The CLI spelling: plain, free-page-hint, balloon-first, auto. */
    public String cliName() { return name().toLowerCase(Locale.ROOT).replace('_', '-'); }

    /** Parses the CLI spelling; the message lists the choices. */
    public static MigrationStrategy parse(String s) {
        for (MigrationStrategy m : values()) if (m.cliName().equals(s)) return m;
        throw new IllegalArgumentException("strategy '" + s + "': expected one of "
                + Arrays.stream(values()).map(MigrationStrategy::cliName).collect(Collectors.joining(", ")));
    }
}
