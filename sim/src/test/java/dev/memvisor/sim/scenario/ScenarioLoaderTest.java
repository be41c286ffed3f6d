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
        String text = GOOD.replace("duration: 60s", "duration: 60s\npolicy:\n  name: esx\n  idleTax: 1.5");
        assertThatThrownBy(() -> parse(text))
                .hasMessageContaining("s.yaml:4: field policy.idleTax: got 1.5, expected a number in [0, 1)");
    }

    @Test
    void anUnknownPolicyListsTheKnownOnes() {
        assertThatThrownBy(() -> parse(GOOD, "policy.name=vmware"))
                .hasMessageContaining("--set policy.name=vmware")
                .hasMessageContaining("static");
    }

    @Test
    void setOverridesAnyFieldKeepingNumbersNumbers() {
        Scenario s = parse(GOOD, "policy.idleTax=0", "vms[0].memory=2G", "vms.1.count=3");
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
    void aFileBackedWorkloadNamesWhatItCannotBeCombinedWith() {
        assertThat(parse(GOOD, "vms[0].workload.fileBacked=true", "vms[0].guest.dirtyExpire=5s").vms().get(0))
                .satisfies(v -> assertThat(v.workload().fileBacked()).isTrue())
                .satisfies(v -> assertThat(v.dirtyExpireMicros()).isEqualTo(5_000_000L));
        assertThat(parse(GOOD).vms().get(0).dirtyExpireMicros()).isEqualTo(30_000_000L);
        assertThatThrownBy(() -> parse(GOOD, "vms[0].workload.fileBacked=true", "vms[0].workload.fromImage=true"))
                .hasMessageContaining("vms[0].workload.fileBacked").hasMessageContaining("remove fromImage");
        assertThatThrownBy(() -> parse(GOOD, "vms[0].workload.fileBacked=true", "vms[0].workload.readOnly=16M"))
                .hasMessageContaining("vms[0].workload.fileBacked").hasMessageContaining("remove readOnly");
        // an application that caches its files (a database's buffer pool) trims its pages and re-reads them from its files
        assertThat(parse(GOOD, "vms[0].workload.fileBacked=true", "vms[0].workload.trimOnLowMemory=true").vms().get(0).workload())
                .satisfies(w -> assertThat(w.fileBacked()).isTrue())
                .satisfies(w -> assertThat(w.trimOnLowMemory()).isTrue());
        assertThatThrownBy(() -> parse(GOOD, "vms[0].workload.type=trace", "vms[0].workload.trimOnLowMemory=true"))
                .hasMessageContaining("vms[0].workload.trimOnLowMemory").hasMessageContaining("synthetic");
        assertThatThrownBy(() -> parse(GOOD, "vms[0].workload.readPages=4"))
                .hasMessageContaining("vms[0].workload.readPages").hasMessageContaining("fileBacked: true");
        assertThatThrownBy(() -> parse(GOOD, "vms[0].workload.fileBacked=true", "vms[0].workload.readPages=0"))
                .hasMessageContaining("vms[0].workload.readPages");
        assertThatThrownBy(() -> parse(GOOD, "vms[0].guest.dirtyExpire=0s"))
                .hasMessageContaining("vms[0].guest.dirtyExpire");
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
                    // fleets and density mixes: memvisor fleet's and memvisor density's own formats, loaded by their modules' tests
                    .filter(p -> !p.getFileName().toString().startsWith("fleet-") && !p.getFileName().toString().startsWith("density-")).toList();
            assertThat(yamls).hasSizeGreaterThanOrEqualTo(6);
            for (Path p : yamls) assertThat(ScenarioLoader.load(p, List.of()).vms()).isNotEmpty();
        }
    }

    @Test
    void everyParameterOfCoresPolicyConfigCanBeSet() {
        // a parameter core adds is settable from a scenario with no code here (sizes are written without the Bytes suffix)
        var d = dev.memvisor.core.policy.PolicyConfig.defaults();
        assertThat(parse(GOOD, "policy.idleTax=0.5", "policy.maxBalloonFraction=0.5", "policy.sharingScanPagesPerSecond=7",
                "policy.hypervBufferPercent=30", "policy.proxmoxTargetUsedFraction=0.5", "policy.proxmoxMaxStep=1G",
                "policy.proxmoxDeadband=1M", "policy.momPressureThreshold=0.3", "policy.momStepFraction=0.1",
                "policy.momMinGuestFreeFraction=0.3", "policy.momMinChangeFraction=0.01", "policy.momPressureCritical=0.1",
                "policy.sharingScanPassSeconds=60", "policy.thresholds.high=0.1", "policy.memoryStates=esxi6", "policy.esxUnplugAfter=2m",
                "policy.psiInterval=2s", "policy.psiStallTarget=20ms", "policy.psiMaxProbe=0.02", "policy.psiMaxBackoff=0.5",
                "policy.psiCoeffProbe=5", "policy.psiCoeffBackoff=10").host().policyConfig())
                .isEqualTo(new dev.memvisor.core.policy.PolicyConfig(0.5, new dev.memvisor.core.model.MemoryThresholds(0.1, 0.04, 0.02, 0.01),
                        "esxi6", 0.5, 7, 30, 0.5, 1L << 30, 1L << 20, 0.3, 0.1, 0.3, 0.01, 0.1, 60, java.time.Duration.ofMinutes(2),
                        java.time.Duration.ofSeconds(2), java.time.Duration.ofMillis(20), 0.02, 0.5, 5, 10))
                .isNotEqualTo(d);
    }

    @Test
    void theOldHostPolicyBlockGetsAMigrationMessage() {
        assertThatThrownBy(() -> parse(GOOD.replace("  cores: 2", "  cores: 2\n  policy: {name: esx}")))
                .isInstanceOf(ScenarioException.class)
                .hasMessageStartingWith("s.yaml:5: field host.policy: the policy block moved to the top level")
                .hasMessageContaining("--set policy.idleTax=0.5");
        assertThatThrownBy(() -> parse(GOOD, "host.policy.idleTax=0"))
                .hasMessageContaining("(--set host.policy.idleTax=0) field host.policy: the policy block moved");
    }

    @Test
    void theSamePolicyBlockAsHostYamlIncludingTheBareName() {
        assertThat(parse("policy: hyperv\n" + GOOD).host().policyName()).isEqualTo("hyperv");
        assertThat(parse(GOOD, "policy=mom").host().policyName()).isEqualTo("mom");
        assertThat(parse(GOOD, "policy.proxmoxMaxStep=8G").host().policyConfig().proxmoxMaxStepBytes()).isEqualTo(8L << 30);
    }

    @Test
    void theHostReclaimFollowsThePolicysHypervisorUnlessSet() {
        assertThat(parse(GOOD).host().reclaim()).isEqualTo(dev.memvisor.sim.hypervisor.HostReclaim.RANDOM);
        assertThat(parse(GOOD, "policy=static").host().reclaim()).isEqualTo(dev.memvisor.sim.hypervisor.HostReclaim.LRU);
        // compare's copy under another policy follows that policy, a setting stays as written
        assertThat(parse(GOOD).withPolicy("mom").host().reclaim()).isEqualTo(dev.memvisor.sim.hypervisor.HostReclaim.LRU);
        assertThat(parse(GOOD, "host.reclaim=lru").host().reclaim()).isEqualTo(dev.memvisor.sim.hypervisor.HostReclaim.LRU);
        assertThat(parse(GOOD, "policy=static", "host.reclaim=random").withPolicy("mom").host().reclaim())
                .isEqualTo(dev.memvisor.sim.hypervisor.HostReclaim.RANDOM);
        assertThatThrownBy(() -> parse(GOOD.replace("  cores: 2", "  cores: 2\n  reclaim: clock")))
                .isInstanceOf(ScenarioException.class).hasMessageContaining("host.reclaim").hasMessageContaining("got clock, expected random or lru");
    }

    @Test
    void aBinaryFileATabAndADuplicateKeyNameTheirLine() {
        assertThatThrownBy(() -> ScenarioLoader.parse(new byte[] {'a', ':', ' ', 0, 1, 2}, "b.yaml", Path.of("."), List.of()))
                .isInstanceOf(ScenarioException.class).hasMessage("b.yaml:1: not a text file (a NUL byte at offset 3); expected UTF-8 YAML");
        assertThatThrownBy(() -> parse(GOOD.replace("  cores: 2", "\tcores: 2")))
                .hasMessageStartingWith("s.yaml:4: not valid YAML: found character").hasMessageContaining("(TAB)");
        assertThatThrownBy(() -> parse(GOOD.replace("duration: 60s", "duration: 60s\nduration: 90s")))
                .hasMessageStartingWith("s.yaml:2: not valid YAML: Duplicate field 'duration'");
    }

    @Test
    void aHugeDurationSaysTooLarge() {
        assertThatThrownBy(() -> parse(GOOD, "duration=99999999999999999999h"))
                .hasMessageContaining("field duration: got '99999999999999999999h' (too large");
    }

    @Test
    void momPressureCriticalDefaultsTo5PercentAndReachesThePolicy() {
        assertThat(parse(GOOD).host().policyConfig().momPressureCritical()).isEqualTo(0.05);
        assertThat(parse(GOOD, "policy.momPressureCritical=0.1").host().policyConfig().momPressureCritical()).isEqualTo(0.1);
        assertThatThrownBy(() -> parse(GOOD, "policy.momPressureCritical=1.5"))
                .hasMessageContaining("momPressureCritical").hasMessageContaining("1.5");
    }
}
