package dev.memvisor.sim.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memvisor.settings.PolicySettings;
import dev.memvisor.settings.SettingsException;
import dev.memvisor.settings.YamlDocument;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads a scenario YAML file, applies {@code --set PATH=VALUE} overrides and validates it. Every
 * error names the file, the line (or the --set that gave the value) and the field, before any run.
 * Reading, overrides, the {@code policy:} block and range checks are the settings module's, shared with host.yaml.
 */
public final class ScenarioLoader {
    private ScenarioLoader() {}

    /** Loads, overrides and validates the scenario in {@code file}. */
    public static Scenario load(Path file, List<String> overrides) {
        YamlDocument doc;
        try {
            doc = YamlDocument.read(file);
        } catch (SettingsException e) {
            throw new ScenarioException(e.key(), e.getMessage());
        }
        return resolve(doc, file.toAbsolutePath().getParent(), overrides);
    }

    /** Parses scenario text; {@code name} is used in messages, {@code baseDir} resolves relative trace paths. */
    public static Scenario parse(String text, String name, Path baseDir, List<String> overrides) {
        return parse(text.getBytes(StandardCharsets.UTF_8), name, baseDir, overrides);
    }

    /** Parses a scenario file's bytes (UTF-8 YAML); {@code name} is used in messages, {@code baseDir} resolves relative trace paths. */
    public static Scenario parse(byte[] bytes, String name, Path baseDir, List<String> overrides) {
        YamlDocument doc;
        try {
            doc = YamlDocument.parse(bytes, name);
        } catch (SettingsException e) {
            throw new ScenarioException(e.key(), e.getMessage());
        }
        return resolve(doc, baseDir, overrides);
    }

    private static Scenario resolve(YamlDocument doc, Path baseDir, List<String> overrides) {
        ScenarioSpec spec;
        try {
            PolicySettings.expandShorthand(doc);
            for (String o : overrides) doc.set(o);
            JsonNode host = doc.root().get("host");
            if (host != null && host.isObject() && host.has("policy")) {
                throw doc.error("host.policy", "the policy block moved to the top level, with the same keys as in host.yaml:"
                        + " write 'policy: {name: esx, idleTax: 0.5}' unindented, and --set policy.idleTax=0.5");
            }
            spec = doc.bind(ScenarioSpec.class);
        } catch (SettingsException e) {
            throw new ScenarioException(e.key(), e.getMessage());
        }
        try {
            return ScenarioValidator.validate(spec, baseDir);
        } catch (ScenarioException e) {
            throw new ScenarioException(e.field(), doc.error(e.field(), e.getMessage()).getMessage());
        }
    }
}
