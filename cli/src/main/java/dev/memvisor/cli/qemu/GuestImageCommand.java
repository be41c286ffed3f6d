package dev.memvisor.cli.qemu;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code memvisor guest-image}: Build a small Linux guest image (issue 4; not built yet). */
@Command(name = "guest-image", mixinStandardHelpOptions = true, description = "Build a small Linux guest image (not built yet).")
public final class GuestImageCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("memvisor guest-image: not built yet (issue 4)");
        return 3;
    }
}
