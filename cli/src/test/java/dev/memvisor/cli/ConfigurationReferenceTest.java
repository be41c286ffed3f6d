package dev.memvisor.cli;

import dev.memvisor.core.settings.Setting;
import dev.memvisor.qemu.manager.HostFile;
import dev.memvisor.sim.scenario.ScenarioSpec;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/configuration.md is the code's reference: it cannot drift, and every key is described. */
class ConfigurationReferenceTest {
    @Test
    void theCommittedReferenceIsWhatTheCodeGenerates() throws Exception {
        Path doc = Path.of(System.getProperty("memvisor.root", "..")).resolve("docs/configuration.md");
        assertThat(Files.readString(doc, StandardCharsets.UTF_8))
                .as("docs/configuration.md differs from the code; regenerate it: java -cp cli/target/memvisor.jar"
                        + " dev.memvisor.cli.ConfigurationReference > docs/configuration.md")
                .isEqualTo(ConfigurationReference.markdown());
    }

    @Test
    void everyKeyOfEverySettingsFileIsDescribed() {
        Deque<Class<?>> todo = new ArrayDeque<>(java.util.List.of(ScenarioSpec.class, HostFile.class, dev.memvisor.density.mix.MixFile.class));
        Set<Class<?>> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            Class<?> c = todo.pop();
            if (!seen.add(c)) continue;
            for (Field f : c.getFields()) {
                if (Modifier.isStatic(f.getModifiers())) continue;
                Setting s = f.getAnnotation(Setting.class);
                assertThat(s).as(c.getSimpleName() + "." + f.getName() + " has a @Setting").isNotNull();
                assertThat(s.value()).isNotBlank();
                Class<?> t = f.getType();
                if (java.util.List.class.isAssignableFrom(t)) t = (Class<?>) ((ParameterizedType) f.getGenericType()).getActualTypeArguments()[0];
                if (t.getName().startsWith("dev.memvisor.") && !t.isRecord()) todo.push(t);
            }
        }
        String md = ConfigurationReference.markdown();
        for (String key : new String[] {"`policy.idleTax`", "`policy.thresholds.soft`", "`policy.proxmoxMaxStep`", "`host.memory`",
                "`vms[].workload.phases[].duration`", "`vms[].qmp`", "`ksm.sleepMillis`", "`interval`"}) {
            assertThat(md).contains("| " + key + " |");
        }
        assertThat(md).doesNotContain("Bytes`");
    }
}
