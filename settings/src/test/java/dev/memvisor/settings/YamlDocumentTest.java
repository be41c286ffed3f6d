package dev.memvisor.settings;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading a settings file: what is refused, and that each refusal names the file, the line and the parser's reason. */
class YamlDocumentTest {
    /** A small settings class to bind onto. */
    public static final class Demo {
        @dev.memvisor.core.settings.Setting(value = "cores", range = "[1, 1024]")
        public int cores = 8;
        @dev.memvisor.core.settings.Setting(value = "memory", unit = dev.memvisor.core.settings.Setting.Unit.BYTES, range = "[64M, inf)")
        public String memory = "16G";
        @dev.memvisor.core.settings.Setting(value = "interval", unit = dev.memvisor.core.settings.Setting.Unit.DURATION, range = "[10ms, 1h]", zero = "off")
        public String check = "250ms";
        @dev.memvisor.core.settings.Setting(value = "the policy")
        public PolicySettings policy = PolicySettings.defaults();
    }

    @Test
    void aTabIsReportedOnItsOwnLineWithTheParsersReason() {
        String text = "a: 1\nhost:\n  memory: 1G\n\tcores: 2\n";
        assertThatThrownBy(() -> YamlDocument.parse(text, "t.yaml"))
                .isInstanceOf(SettingsException.class)
                .hasMessageStartingWith("t.yaml:4: not valid YAML: ")
                .hasMessageContaining("TAB");
    }

    @Test
    void malformedYamlKeepsTheParsersReason() {
        assertThatThrownBy(() -> YamlDocument.parse("a: 1\nhost: {memory: 1G\nvms: [x]\n", "m.yaml"))
                .hasMessageStartingWith("m.yaml:3: not valid YAML: ")
                .hasMessageContaining("expected ',' or '}'");
    }

    @Test
    void aBinaryFileIsNamedAsSuchNotInputLength() {
        byte[] elf = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0};
        assertThatThrownBy(() -> YamlDocument.parse(elf, "bin.yaml"))
                .hasMessage("bin.yaml:1: not a text file (a NUL byte at offset 7); expected UTF-8 YAML");
        byte[] latin1 = "a: 1\nname: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> YamlDocument.parse(latin1, "l.yaml"))
                .hasMessage("l.yaml:2: not UTF-8 text (byte 0xE9 at offset 14); expected UTF-8 YAML");
    }

    @Test
    void aKeyGivenTwiceIsRefusedOnItsSecondLine() {
        assertThatThrownBy(() -> YamlDocument.parse("cores: 2\nmemory: 1G\ncores: 4\n", "d.yaml"))
                .hasMessageStartingWith("d.yaml:3: not valid YAML: ").hasMessageContaining("Duplicate field 'cores'");
        assertThatThrownBy(() -> YamlDocument.parse("policy:\n  idleTax: 0.1\n  idleTax: 0.2\n", "d.yaml"))
                .hasMessageStartingWith("d.yaml:3:").hasMessageContaining("idleTax");
    }

    @Test
    void aTopLevelThatIsNotAMappingIsRefused() {
        assertThatThrownBy(() -> YamlDocument.parse("- a\n- b\n", "l.yaml")).hasMessageContaining("l.yaml:1: expected a mapping");
        assertThat(YamlDocument.parse("", "e.yaml").bind(Demo.class).cores).isEqualTo(8);
        assertThat(YamlDocument.parse("# only a comment\n", "e.yaml").bind(Demo.class).cores).isEqualTo(8);
    }

    @Test
    void bindingErrorsNameFileLineKeyAndWhatWasExpected() {
        assertThatThrownBy(() -> YamlDocument.parse("memory: 1G\ncores: lots\n", "b.yaml").bind(Demo.class))
                .hasMessage("b.yaml:2: field cores: got 'lots', expected an integer");
        assertThatThrownBy(() -> YamlDocument.parse("cores: 0\n", "b.yaml").bind(Demo.class))
                .hasMessage("b.yaml:1: field cores: got 0, expected an integer in [1, 1024]");
        assertThatThrownBy(() -> YamlDocument.parse("memory: 1M\n", "b.yaml").bind(Demo.class))
                .hasMessage("b.yaml:1: field memory: got 1M, expected a size >= 64M");
        assertThatThrownBy(() -> YamlDocument.parse("memory: lots\n", "b.yaml").bind(Demo.class))
                .hasMessageStartingWith("b.yaml:1: field memory: got 'lots', expected a non-negative size");
        assertThatThrownBy(() -> YamlDocument.parse("cores: 2\ncorse: 3\n", "b.yaml").bind(Demo.class))
                .hasMessageStartingWith("b.yaml:2: field corse: unknown field 'corse'; known fields: [");
        assertThatThrownBy(() -> YamlDocument.parse("check: 99999999999999999999h\n", "b.yaml").bind(Demo.class))
                .hasMessageStartingWith("b.yaml:1: field check: got '99999999999999999999h' (too large");
        assertThatThrownBy(() -> YamlDocument.parse("check: 2ms\n", "b.yaml").bind(Demo.class))
                .hasMessage("b.yaml:1: field check: got 2ms, expected a duration in [10ms, 1h], or 0 (off)");
        assertThat(YamlDocument.parse("check: 0\n", "b.yaml").bind(Demo.class).check).isEqualTo("0");
    }

    @Test
    void setOverridesAnyKeyAndErrorsNameTheSet() {
        YamlDocument d = YamlDocument.parse("cores: 2\n", "s.yaml");
        d.set("cores=4");
        d.set("policy.idleTax=0.5");
        Demo demo = d.bind(Demo.class);
        assertThat(demo.cores).isEqualTo(4);
        assertThat(demo.policy.config().idleTax()).isEqualTo(0.5);
        YamlDocument bad = YamlDocument.parse("cores: 2\n", "s.yaml");
        bad.set("cores=0");
        assertThatThrownBy(() -> bad.bind(Demo.class)).hasMessage("s.yaml: (--set cores=0) field cores: got 0, expected an integer in [1, 1024]");
        assertThatThrownBy(() -> YamlDocument.parse("", "s.yaml").set("cores")).hasMessageContaining("expected PATH=VALUE");
        assertThatThrownBy(() -> YamlDocument.parse("cores: 2\n", "s.yaml").set("cores.x=1")).hasMessageContaining("is not inside a mapping");
    }
}
