package dev.memvisor.sim.scenario;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScenarioLoaderTest {
    private static final String GOOD = """
            duration: 60s
            host:
              memory: 4G
              cores: 2
            vms:
              - name: a
                memory: 1G
              - name: b
                count: 2
                memory: 512M
            """;

    private static Scenario parse(String text, String... sets) {
        return ScenarioLoader.parse(text, "s.yaml", Path.of("."), List.of(sets));
    }

    @Test
    void appliesDefaultsAndExpandsCounts() {
        Scenario s = parse(GOOD);
        assertThat(s.vms()).extracting(Scenario.Vm::name).containsExactly("a", "b-1", "b-2");
        assertThat(s.host().policyName()).isEqualTo("esx");
        assertThat(s.host().policyConfig().idleTax()).isEqualTo(0.75);
        assertThat(s.durationMicros()).isEqualTo(60_000_000L);
        assertThat(s.vms().get(1).settings().configuredBytes()).isEqualTo(512L << 20);
        assertThat(s.vms().get(0).settings().shares()).isEqualTo(10 * 1024);
    }

    @Test
    void anUnknownFieldNamesFileLineAndField() {
        String text = GOOD.replace("    memory: 1G", "    memory: 1G\n    memroy: 2G");
        assertThatThrownBy(() -> parse(text))
                .isInstanceOf(ScenarioException.class)
                .hasMessageContaining("s.yaml:8:")
                .hasMessageContaining("vms[0].memroy")
                .hasMessageContaining("unknown field 'memroy'");
    }

    @Test
    void aWrongTypeNamesFileLineAndField() {
        String text = GOOD.replace("cores: 2", "cores: lots");
        assertThatThrownBy(() -> parse(text))
                .isInstanceOf(ScenarioException.class)
                .hasMessageContaining("s.yaml:4:")
                .hasMessageContaining("host.cores");
    }

    @Test
    void anImpossibleValueNamesFileLineFieldAndWhatIsExpected() {
        String text = GOOD.replace("    memory: 512M", "    memory: 512M\n    reservation: 1G");
        assertThatThrownBy(() -> parse(text))
                .isInstanceOf(ScenarioException.class)
                .hasMessageContaining("s.yaml:11:")
                .hasMessageContaining("vms[1].reservation")
                .hasMessageContaining("at most the limit");
    }

    @Test
    void aPolicyParameterOutOfRangeIsReportedWithItsPath() {
        String text = GOOD.replace("  cores: 2", "  cores: 2\n  policy:\n    idleTax: 1.5");
        assertThatThrownBy(() -> parse(text))
                .hasMessageContaining("s.yaml:6:")
                .hasMessageContaining("host.policy.idleTax")
                .hasMessageContaining("[0, 1)");
    }

    @Test
    void anUnknownPolicyListsTheKnownOnes() {
        assertThatThrownBy(() -> parse(GOOD, "host.policy.name=vmware"))
                .hasMessageContaining("--set host.policy.name=vmware")
                .hasMessageContaining("static");
    }

    @Test
    void setOverridesAnyFieldKeepingNumbersNumbers() {
        Scenario s = parse(GOOD, "host.policy.idleTax=0", "vms[0].memory=2G", "vms.1.count=3");
        assertThat(s.host().policyConfig().idleTax()).isZero();
        assertThat(s.vms()).hasSize(4);
        assertThat(s.vms().get(0).settings().configuredBytes()).isEqualTo(2L << 30);
    }

    @Test
    void aBadSetValueIsBlamedOnTheSet() {
        assertThatThrownBy(() -> parse(GOOD, "host.cores=0"))
                .hasMessageContaining("(--set host.cores=0)")
                .hasMessageContaining("host.cores");
    }

    @Test
    void aMissingTraceFileIsNamed() {
        String text = GOOD.replace("    memory: 1G", "    memory: 1G\n    workload:\n      type: trace\n      trace: {format: lirs, file: nope.gz}");
        assertThatThrownBy(() -> parse(text))
                .hasMessageContaining("vms[0].workload.trace.file")
                .hasMessageContaining("nope.gz");
    }

    @Test
    void aFieldGivenTwiceIsAnError() {
        assertThatThrownBy(() -> parse(GOOD.replace("  cores: 2", "  cores: 2\n  cores: 4")))
                .hasMessageContaining("s.yaml:5:")
                .hasMessageContaining("cores");
    }

    @Test
    void invalidYamlNamesTheLine() {
        assertThatThrownBy(() -> parse("host:\n  memory: [1G\n"))
                .isInstanceOf(ScenarioException.class)
                .hasMessageContaining("s.yaml:")
                .hasMessageContaining("not valid YAML");
    }

    @Test
    void everyExampleLoads() throws Exception {
        try (var files = java.nio.file.Files.list(dev.memvisor.sim.TestPaths.root().resolve("examples"))) {
            List<Path> yamls = files.filter(p -> p.toString().endsWith(".yaml"))
                    .filter(p -> !p.getFileName().toString().startsWith("fleet-")).toList(); // fleets: memvisor fleet's own format
            assertThat(yamls).hasSizeGreaterThanOrEqualTo(6);
            for (Path p : yamls) assertThat(ScenarioLoader.load(p, List.of()).vms()).isNotEmpty();
        }
    }

    @Test
    void everyParameterOfCoresPolicyConfigHasAScenarioKey() {
        // a parameter core adds must be settable from a scenario (sizes are written without the Bytes suffix)
        java.util.Set<String> keys = java.util.Arrays.stream(PolicySpec.class.getFields())
                .map(java.lang.reflect.Field::getName).collect(java.util.stream.Collectors.toSet());
        for (var c : dev.memvisor.core.policy.PolicyConfig.class.getRecordComponents()) {
            assertThat(keys).as("host.policy key for PolicyConfig." + c.getName()).contains(c.getName().replaceFirst("Bytes$", ""));
        }
    }

    @Test
    void momPressureCriticalDefaultsTo5PercentAndReachesThePolicy() {
        assertThat(parse(GOOD).host().policyConfig().momPressureCritical()).isEqualTo(0.05);
        assertThat(parse(GOOD, "host.policy.momPressureCritical=0.1").host().policyConfig().momPressureCritical()).isEqualTo(0.1);
        assertThatThrownBy(() -> parse(GOOD, "host.policy.momPressureCritical=1.5"))
                .hasMessageContaining("momPressureCritical").hasMessageContaining("1.5");
    }
}
