package dev.memvisor.settings;

import dev.memvisor.core.policy.PolicyConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The policy: block binds onto core's PolicyConfig with its defaults, and refuses naming file, line and key. */
class PolicySettingsTest {
    /** A file with nothing but a policy block. */
    public static final class File {
        @dev.memvisor.core.settings.Setting("the policy")
        public PolicySettings policy = PolicySettings.defaults();
    }

    private static PolicySettings bind(String yaml) {
        return YamlDocument.parse(yaml, "p.yaml").bind(File.class).policy;
    }

    @Test
    void absentKeysKeepCoresDefaults() {
        assertThat(bind("")).isEqualTo(PolicySettings.defaults());
        assertThat(bind("policy: {}\n").config()).isEqualTo(PolicyConfig.defaults());
        PolicySettings p = bind("policy:\n  name: mom\n  idleTax: 0.5\n  proxmoxMaxStep: 8G\n  thresholds: {soft: 0.05}\n");
        assertThat(p.name()).isEqualTo("mom");
        assertThat(p.config()).isEqualTo(PolicyConfig.defaults().toBuilder().idleTax(0.5).proxmoxMaxStepBytes(8L << 30)
                .thresholds(new dev.memvisor.core.model.MemoryThresholds(0.06, 0.05, 0.02, 0.01)).build());
    }

    @Test
    void aBareNameIsTheWholeBlock() {
        assertThat(bind("policy: hyperv\n")).isEqualTo(new PolicySettings("hyperv", PolicyConfig.defaults()));
    }

    @Test
    void refusalsNameFileLineAndKey() {
        assertThatThrownBy(() -> bind("policy:\n  name: esx\n  idleTax: 1.5\n"))
                .hasMessage("p.yaml:3: field policy.idleTax: got 1.5, expected a number in [0, 1)");
        assertThatThrownBy(() -> bind("policy:\n  idleTax: lots\n"))
                .hasMessage("p.yaml:2: field policy.idleTax: got 'lots', expected a finite number");
        assertThatThrownBy(() -> bind("policy:\n  proxmoxMaxStep: 0\n"))
                .hasMessage("p.yaml:2: field policy.proxmoxMaxStep: got 0, expected a size > 0");
        assertThatThrownBy(() -> bind("policy:\n  thresholds:\n    soft: 0.07\n"))
                .hasMessageStartingWith("p.yaml:3: field policy.thresholds.soft: got 0.07, expected above thresholds.hard");
        assertThatThrownBy(() -> bind("policy:\n  idelTax: 0.5\n"))
                .hasMessageStartingWith("p.yaml:2: field policy.idelTax: unknown field 'idelTax'; known fields: [name, idleTax,");
        assertThatThrownBy(() -> bind("policy: vmware\n"))
                .hasMessage("p.yaml:1: field policy: got vmware, expected one of esx, hyperv, proxmox, mom, static");
        assertThatThrownBy(() -> bind("policy:\n  idleTax: 0.1\n  name: vmware\n"))
                .hasMessageStartingWith("p.yaml:3: field policy.name: got vmware");
        assertThatThrownBy(() -> bind("policy:\n  hypervBufferPercent: 2.5\n"))
                .hasMessageStartingWith("p.yaml:2: field policy.hypervBufferPercent: got 2.5, expected an integer");
    }

    @Test
    void writesTheKeysAFileUses() throws Exception {
        String json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(PolicySettings.defaults());
        assertThat(json).startsWith("{\"name\":\"esx\",\"idleTax\":0.75,\"thresholds\":{\"high\":0.06,")
                .contains("\"proxmoxMaxStep\":\"100M\"").doesNotContain("Bytes");
        // and what it writes reads back to the same block
        assertThat(bind("policy: " + json + "\n")).isEqualTo(PolicySettings.defaults());
    }
}
