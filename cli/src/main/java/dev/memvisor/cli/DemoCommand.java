package dev.memvisor.cli;

import picocli.CommandLine.Command;

/** The main job's short demonstration (placeholder until the policy core lands). */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Show memvisor at work on a small host.")
final class DemoCommand implements Runnable {
    @Override
    public void run() {
        System.out.println("demo: not yet");
    }
}
