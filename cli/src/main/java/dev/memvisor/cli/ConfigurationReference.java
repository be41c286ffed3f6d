package dev.memvisor.cli;

import dev.memvisor.qemu.manager.HostFile;
import dev.memvisor.settings.ConfigReference;
import dev.memvisor.sim.scenario.ScenarioSpec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * docs/configuration.md, made from the code: every key of the {@code policy:} block, the scenario file
 * and host.yaml with its type, default, range, meaning and source. ConfigurationReferenceTest fails
 * when the file and the code differ; {@link #main} writes the file anew.
 */
public final class ConfigurationReference {
    private ConfigurationReference() {}

    /** The whole reference, in Markdown. */
    public static String markdown() {
        return """
                # Configuration reference

                Every key of memvisor's settings files with its type, default, range, meaning and the source of the default.
                Generated from the code (`@Setting` on each field of `ScenarioSpec`, `HostFile`, `MixFile` and core's `PolicyConfig`):
                do not edit by hand. `ConfigurationReferenceTest` fails when this file and the code differ; write it anew with

                    ./memvisor policies >/dev/null && java -cp cli/target/memvisor.jar dev.memvisor.cli.ConfigurationReference > docs/configuration.md

                **Syntax.** Sizes: bytes or a number with `K`, `M`, `G`, `T` (binary: 1K = 1024; `KiB`, `MB` also read as binary),
                decimals allowed (`1.5G`). Durations: a number with a unit, `us`, `ms`, `s`, `m`, `h` or `d` (`100ms`, `1.5s`, `1h`); a
                bare number is seconds. The same syntax in every file and command-line option. Ranges are intervals: `[` and `]` include the bound, `(` and `)`
                exclude it, `inf` is no bound; a key whose range says `0 = ...` also takes 0 with that meaning.
                A key left out takes its default; `(...)` in the default column says what leaving it out means.
                `--set PATH=VALUE` (repeatable, on `simulate`, `compare`, `run` and `density`) overrides any key before checking; the value
                is read as YAML (`--set policy.idleTax=0.5`, `--set vms[1].reservation=1G`, `--set policy=hyperv`).

                **Errors** stop the command before it starts and name the file, the line (or the `--set` that gave the value)
                and the key: `host.yaml:12: field vms[1].limit (web): got 0, expected a size >= 1M`. A key given twice, an
                unknown key, a value of the wrong type, text that is not UTF-8 and malformed YAML (with the parser's reason and
                line) are all refused. YAML anchors and aliases are not supported.

                ## The policy block

                The same `policy:` block, at the top level, in a scenario file and in host.yaml: the policy's `name` and the
                parameters of core's `PolicyConfig` (each policy reads those it needs). `policy: esx` is short for
                `policy: {name: esx}`. (Scenarios written before this had it under `host.policy`; that now stops with a message
                saying where it moved.)

                %s
                ## Scenario file

                `memvisor simulate SCENARIO.yaml` and `memvisor compare SCENARIO.yaml`. Only `vms[].name` is required.

                %s
                ## host.yaml

                `memvisor run --config host.yaml` (without --config: /etc/memvisor/host.yaml when it exists, else every key at its
                default). Paths are relative to the file. Every key is optional: with none, the manager manages libvirt's domains
                and the QEMUs of the run directory; in a `vms[]` entry, `name` and `qmp` are required.

                %s
                ## Density mix file

                `memvisor density MIX.yaml` (examples/density-*.yaml): the host the experiment makes and the guests it starts
                one at a time, the same file for the real and the simulated run. Only `guests[].name` is required; a guest gives
                one of `workingSet` (with `rate`), `schedule` or `bitbrains`.

                %s""".formatted(ConfigReference.policyTable("policy."), ConfigReference.table(ScenarioSpec.class, ""),
                ConfigReference.table(HostFile.class, ""), ConfigReference.table(dev.memvisor.density.mix.MixFile.class, ""));
    }

    /** Prints the reference (redirect it to docs/configuration.md). */
    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        out.print(markdown());
        out.flush();
    }
}
