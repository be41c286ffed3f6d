package dev.memvisor.density.real;

import dev.memvisor.qemu.launch.Guest;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One measurement window over running guests: each guest's progress line at its start and end. The
 * rate is operations over the guest's own elapsed time between the two lines, or over the host's
 * (less the up to 1 s a line may be late at each end) when that is longer: a guest stalled so long
 * that it printed nothing lately is not measured over only the part it printed.
 */
final class Window {
    private final Map<Guest, Optional<GuestConsole.Progress>> start = new LinkedHashMap<>();
    private final long startNanos = System.nanoTime();

    Window(List<Guest> guests) {
        for (Guest g : guests) start.put(g, GuestConsole.lastProgress(g.consoleLines()));
    }

    /** Waits out {@code d} (the window), in slices so an interrupted thread ends it. */
    static void pass(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during a measurement window");
        }
    }

    /** Operations a second of {@code g} since the window opened (0 when it made none or printed nothing). */
    double rate(Guest g) {
        Optional<GuestConsole.Progress> from = start.get(g);
        Optional<GuestConsole.Progress> to = GuestConsole.lastProgress(g.consoleLines());
        if (from == null || from.isEmpty() || to.isEmpty()) return 0;
        double guestSeconds = to.get().seconds() - from.get().seconds();
        double hostSeconds = (System.nanoTime() - startNanos) / 1e9 - 2;
        double seconds = Math.max(guestSeconds, hostSeconds);
        return seconds <= 0 ? 0 : (to.get().ops() - from.get().ops()) / seconds;
    }
}
