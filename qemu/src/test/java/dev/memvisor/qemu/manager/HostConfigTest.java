package dev.memvisor.qemu.manager;

import dev.memvisor.core.admission.AdmissionDecision;
import dev.memvisor.core.policy.PolicyConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** host.yaml: defaults, relative paths, the policy block, admission, and messages that name the file, the line, the key and the VM. */
class HostConfigTest {
    @TempDir Path dir;

    private Path write(String yaml) throws Exception {
        return Files.writeString(dir.resolve("host.yaml"), yaml);
    }

    private HostConfig load(String yaml, String... sets) throws Exception {
        return HostConfig.load(write(yaml), List.of(sets));
    }

    private static final String VM = "vms: [{name: a, qmp: a.qmp}]\n";

    @Test
    void readsEveryKeyAndResolvesPathsAgainstTheFile() throws Exception {
        HostConfig c = HostConfig.load(write("policy: static\ninterval: 500ms\nbudget: 1G\nmetricsPort: 9464\nlog: out/d.jsonl\n"
                + "ksm: {manage: false, sleepMillis: 50}\ncgroups: true\n"
                + "vms:\n  - {name: a, qmp: a.qmp, memory: 256M, reservation: 64M, shares: high}\n  - {name: b, qmp: /run/b.qmp}\n"));
        assertThat(c.policy()).isEqualTo("static");
        assertThat(c.policyConfig()).isEqualTo(PolicyConfig.defaults());
        assertThat(c.interval()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.budgetBytes()).isEqualTo(1L << 30);
        assertThat(c.metricsPort()).isEqualTo(9464);
        assertThat(c.log()).isEqualTo(dir.resolve("out/d.jsonl"));
        assertThat(c.manageKsm()).isFalse();
        assertThat(c.ksmSleepMillis()).isEqualTo(50);
        assertThat(c.cgroups()).isTrue();
        VmConfig a = c.vms().get(0);
        assertThat(a.qmpSocket()).isEqualTo(dir.resolve("a.qmp"));
        assertThat(a.settings(a.memoryBytes()).shares()).isEqualTo(256 * 20);
        assertThat(a.settings(a.memoryBytes()).reservationBytes()).isEqualTo(64L << 20);
        VmConfig b = c.vms().get(1);
        assertThat(b.memoryBytes()).isEqualTo(-1);
        assertThat(b.settings(128L << 20).limitBytes()).isEqualTo(128L << 20);
    }

    @Test
    void defaultsAreFiveSecondsEsxAndNoBudget() throws Exception {
        HostConfig c = HostConfig.load(write(VM));
        assertThat(c.interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.policy()).isEqualTo("esx");
        assertThat(c.policyConfig()).isEqualTo(PolicyConfig.defaults());
        assertThat(c.budgetBytes()).isZero();
        assertThat(c.metricsPort()).isZero();
        assertThat(c.log()).isNull();
        assertThat(c.stateCheckInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.manageKsm()).isTrue();
        assertThat(c.ksmSleepMillis()).isEqualTo(20);
        assertThat(c.metricsAddress()).as("metrics on this host only unless asked").isEqualTo("127.0.0.1");
        assertThat(c.qmpTimeout()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void metricsAddressAndQmpTimeoutAreRead() throws Exception {
        HostConfig c = HostConfig.load(write("metricsPort: 9464\nmetricsAddress: 0.0.0.0\nqmpTimeout: 250ms\nvms: [{name: a, qmp: a.qmp}]\n"));
        assertThat(c.metricsAddress()).isEqualTo("0.0.0.0");
        assertThat(c.qmpTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(HostConfig.load(write("interval: 1s\nvms: [{name: a, qmp: a.qmp}]\n")).qmpTimeout())
                .as("at most half a short interval").isEqualTo(Duration.ofMillis(500));
        assertThatThrownBy(() -> HostConfig.load(write("interval: 2s\nqmpTimeout: 3s\nvms: [{name: a, qmp: a.qmp}]\n")))
                .hasMessageContaining("host.yaml").hasMessageContaining("qmpTimeout").hasMessageContaining("under the interval");
        assertThatThrownBy(() -> HostConfig.load(write("qmpTimeout: soon\nvms: [{name: a, qmp: a.qmp}]\n")))
                .hasMessageContaining("qmpTimeout").hasMessageContaining("soon");
    }

    @Test
    void thePolicyBlockHasTheScenariosKeysAndSetReachesIt() throws Exception {
        HostConfig c = load("policy:\n  name: mom\n  idleTax: 0.5\n  proxmoxMaxStep: 1G\n  thresholds: {soft: 0.05}\n" + VM,
                "policy.momStepFraction=0.1");
        assertThat(c.policy()).isEqualTo("mom");
        assertThat(c.policyConfig()).isEqualTo(PolicyConfig.defaults().toBuilder().idleTax(0.5).proxmoxMaxStepBytes(1L << 30)
                .momStepFraction(0.1).thresholds(new dev.memvisor.core.model.MemoryThresholds(0.06, 0.05, 0.02, 0.01)).build());
        // the bare name, as host.yaml always had it, takes overrides of its parameters too
        assertThat(load("policy: hyperv\n" + VM, "policy.idleTax=0.5").policyConfig().idleTax()).isEqualTo(0.5);
        assertThat(load("policy: hyperv\n" + VM, "policy.name=static").policy()).isEqualTo("static");
        assertThatThrownBy(() -> load("policy:\n  idleTax: 1.5\n" + VM))
                .isInstanceOf(ConfigException.class).hasMessage(dir.resolve("host.yaml") + ":2: field policy.idleTax: got 1.5, expected a number in [0, 1)");
    }

    @Test
    void durationsTakeTheOneSyntaxIncludingHours() throws Exception {
        assertThat(load("interval: 1h\n" + VM).interval()).isEqualTo(Duration.ofHours(1));
        assertThat(load("interval: 1.5s\n" + VM).interval()).isEqualTo(Duration.ofMillis(1500));
        assertThat(load("stateCheckInterval: 100ms\n" + VM).stateCheckInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(load("stateCheckInterval: 0\n" + VM).stateCheckInterval()).isZero();
        assertThatThrownBy(() -> load("stateCheckInterval: 2ms\n" + VM))
                .hasMessageContaining("host.yaml:1: field stateCheckInterval: got 2ms, expected a duration in [10ms, 1h], or 0 (off");
        assertThatThrownBy(() -> load("stateCheckInterval: soon\n" + VM))
                .hasMessageContaining("host.yaml:1: field stateCheckInterval: got 'soon', expected a duration such as");
    }

    @Test
    void badInputNamesTheLineTheKeyAndTheVm() throws Exception {
        assertThatThrownBy(() -> load("vms: [{name: web, qmp: w.qmp, memroy: 1G}]"))
                .hasMessageContaining("host.yaml:1: field vms[0].memroy (web): unknown field 'memroy'");
        assertThatThrownBy(() -> load("vms:\n  - {name: web, qmp: w.qmp, reservation: lots}"))
                .hasMessageContaining("host.yaml:2: field vms[0].reservation (web): got 'lots'");
        assertThatThrownBy(() -> load("vms: [{name: web}]"))
                .hasMessageContaining("field vms[0].qmp (web): is required");
        assertThatThrownBy(() -> load("vms:\n  - {name: web, qmp: a}\n  - {name: web, qmp: b}\n"))
                .hasMessageContaining("host.yaml:3: field vms[1].name (web): a second VM named web (the first is vms[0])");
        assertThatThrownBy(() -> load("vms: [{name: db, qmp: a, memory: 1G, reservation: 2G}]"))
                .hasMessageContaining("(db)").hasMessageContaining("exceeds memory");
        assertThatThrownBy(() -> load("vms: [{name: ../x, qmp: a}]")).hasMessageContaining("field vms[0].name");
        assertThatThrownBy(() -> load("interval: soon\n" + VM)).hasMessageContaining("interval").hasMessageContaining("soon");
        assertThatThrownBy(() -> load("polcy: esx\n" + VM)).hasMessageContaining("host.yaml:1: field polcy: unknown field 'polcy'");
        assertThatThrownBy(() -> HostConfig.load(dir.resolve("missing.yaml"))).hasMessageContaining("missing.yaml")
                .hasMessageContaining("no such file");
        assertThatThrownBy(() -> load("policy: esx\nvms: [{name: a, qmp: x}\n"))
                .hasMessageContaining("host.yaml:").hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> load("vms: 5\n")).hasMessageContaining("host.yaml:1: field vms");
    }

    /** Issue 14: with no vms: the manager finds its VMs itself (the run directory, libvirt), each key with its default. */
    @Test
    void noVmsMeansTheRunDirectoryAndLibvirtsDomainsWithTheirDefaults() throws Exception {
        for (String yaml : new String[] {"policy: esx\n", "vms: []\n"}) {
            HostConfig c = load(yaml);
            assertThat(c.vms()).as(yaml).isEmpty();
            assertThat(c.libvirt()).isEqualTo(new LibvirtConfig(LibvirtConfig.Mode.AUTO, "qemu:///system", List.of()));
            assertThat(c.stateFile()).isEqualTo(Path.of("/run/memvisor/state.json"));
            assertThat(c.runDir()).isEqualTo(dev.memvisor.qemu.launch.RunDirectory.defaultPath());
        }
        HostConfig c = load("runDir: run\nstateFile: ''\nlibvirt: {enabled: false}\n");
        assertThat(c.runDir()).isEqualTo(dir.resolve("run"));
        assertThat(c.stateFile()).isNull();
        assertThat(c.libvirt().mode()).isEqualTo(LibvirtConfig.Mode.OFF);
        assertThat(load("libvirt: {enabled: true}\n").libvirt().mode()).isEqualTo(LibvirtConfig.Mode.ON);
        assertThat(load("libvirt: {enabled: AUTO}\n", "libvirt.enabled=false").libvirt().mode()).isEqualTo(LibvirtConfig.Mode.OFF);
    }

    /** Issue 14: libvirt.domains give domains settings by name; mistakes name the line, the key and the domain. */
    @Test
    void libvirtDomainsAreSettingsByNameCheckedAsVmsAre() throws Exception {
        HostConfig c = load("libvirt:\n  uri: qemu+ssh://kvm1/system\n  domains:\n"
                + "    - {name: web, reservation: 512M, limit: 2G, shares: HIGH, ballooning: false}\n    - {name: db}\n");
        assertThat(c.libvirt().uri()).isEqualTo("qemu+ssh://kvm1/system");
        DomainConfig web = c.libvirt().domain("web").orElseThrow();
        assertThat(web.reservationBytes()).hasValue(512L << 20);
        assertThat(web.limitBytes()).hasValue(2L << 30);
        assertThat(web.shares()).hasValue("high");
        assertThat(web.ballooning()).hasValue(false);
        DomainConfig db = c.libvirt().domain("db").orElseThrow();
        assertThat(db.reservationBytes()).isEmpty();
        assertThat(db.shares()).isEmpty();
        assertThat(db.ballooning()).isEmpty();
        assertThat(c.libvirt().domain("mail")).isEmpty();

        assertThatThrownBy(() -> load("libvirt: {enabled: maybe}\n"))
                .hasMessageContaining("host.yaml:1: field libvirt.enabled: got 'maybe', expected auto, true or false");
        assertThatThrownBy(() -> load("libvirt:\n  domains:\n    - {name: web}\n    - {name: web}\n"))
                .hasMessageContaining("host.yaml:4: field libvirt.domains[1].name (web): a second entry for domain web");
        assertThatThrownBy(() -> load("libvirt:\n  domains:\n    - {name: web, reservation: 3G, limit: 2G}\n"))
                .hasMessageContaining("host.yaml:3: field libvirt.domains[0].reservation (web): reservation 3G exceeds limit 2G");
        assertThatThrownBy(() -> load("libvirt:\n  domains:\n    - {name: web, shares: lots}\n"))
                .hasMessageContaining("field libvirt.domains[0].shares (web): got 'lots', expected low, normal, high or a number > 0");
        assertThatThrownBy(() -> load("libvirt:\n  domains:\n    - {name: web, reservation: -1M}\n"))
                .hasMessageContaining("field libvirt.domains[0].reservation (web)");
        assertThatThrownBy(() -> load("libvirt:\n  domains:\n    - {shares: high}\n"))
                .hasMessageContaining("field libvirt.domains[0].name");
        assertThatThrownBy(() -> load("libvirt: {uri: ''}\n")).hasMessageContaining("field libvirt.uri");
    }

    // issue 11, item 9: each of these was accepted (or refused without the file, line and key) before

    @Test
    void aMetricsPortThatIsNotANumberIsRefusedNotSilentlyOff() {
        assertThatThrownBy(() -> load("metricsPort: abc\n" + VM))
                .hasMessageEndingWith("host.yaml:1: field metricsPort: got 'abc', expected an integer");
        assertThatThrownBy(() -> load("metricsPort: 70000\n" + VM))
                .hasMessageEndingWith("field metricsPort: got 70000, expected an integer in [1, 65535], or 0 (off)");
    }

    @Test
    void ksmSleepMillisMustBeAPositiveNumber() {
        assertThatThrownBy(() -> load("ksm: {sleepMillis: -5}\n" + VM))
                .hasMessageEndingWith("host.yaml:1: field ksm.sleepMillis: got -5, expected an integer in [1, 60000]");
        assertThatThrownBy(() -> load("ksm:\n  sleepMillis: abc\n" + VM))
                .hasMessageEndingWith("host.yaml:2: field ksm.sleepMillis: got 'abc', expected an integer");
    }

    @Test
    void aZeroLimitIsRefusedNotIgnored() {
        assertThatThrownBy(() -> load("vms:\n  - {name: a, qmp: a.qmp, limit: 0}\n"))
                .hasMessageEndingWith("host.yaml:2: field vms[0].limit (a): got 0, expected a size >= 1M");
    }

    @Test
    void twoVmsWithOneQmpSocketAreRefused() {
        assertThatThrownBy(() -> load("vms:\n  - {name: a, qmp: s.qmp}\n  - {name: b, qmp: ./s.qmp}\n"))
                .hasMessageContaining("host.yaml:3: field vms[1].qmp (b): " + dir.resolve("s.qmp") + " is also the socket of vms[0] (a)");
    }

    @Test
    void aDuplicateKeyIsRefusedNotSilentlyWon() {
        assertThatThrownBy(() -> load("interval: 2s\ninterval: 1s\n" + VM))
                .hasMessageContaining("host.yaml:2: not valid YAML: Duplicate field 'interval'");
        assertThatThrownBy(() -> load("vms:\n  - name: a\n    qmp: a.qmp\n    qmp: b.qmp\n"))
                .hasMessageContaining("host.yaml:4: not valid YAML: Duplicate field 'qmp'");
    }

    @Test
    void aHugeIntervalSaysTooLargeNotLongOverflow() {
        assertThatThrownBy(() -> load("interval: 99999999999999999999s\n" + VM))
                .hasMessageContaining("host.yaml:1: field interval: got '99999999999999999999s' (too large")
                .hasMessageNotContaining("overflow");
        assertThatThrownBy(() -> load("interval: 30d\n" + VM))
                .hasMessageContaining("field interval: got 30d, expected a duration in [100ms, 1d]");
    }

    @Test
    void anUnknownPolicyNamesTheFile() {
        assertThatThrownBy(() -> load("policy: vmware\n" + VM))
                .hasMessage(dir.resolve("host.yaml") + ":1: field policy.name: got vmware, expected one of esx, hyperv, proxmox, mom, static");
        assertThatThrownBy(() -> load(VM, "policy.name=nope"))
                .hasMessage(dir.resolve("host.yaml") + ": (--set policy.name=nope) field policy.name: got nope, expected one of esx, hyperv, proxmox, mom, static");
    }

    @Test
    void aBinaryFileIsNamedAsSuchNotInputLength() throws Exception {
        Path bin = Files.write(dir.resolve("host.yaml"), new byte[] {'v', 'm', 's', ':', ' ', (byte) 0xC3, (byte) 0x28, '\n'});
        assertThatThrownBy(() -> HostConfig.load(bin))
                .hasMessage(bin + ":1: not UTF-8 text (byte 0xC3 at offset 5); expected UTF-8 YAML");
    }

    @Test
    void admissionAdmitsInOrderAgainstTheBudgetAndSkipsWhatDoesNotFit() throws Exception {
        HostConfig c = load("overheadPerVm: 32M\nvms:\n  - {name: a, qmp: a, reservation: 512M}\n  - {name: b, qmp: b, reservation: 600M}\n"
                + "  - {name: c, qmp: c, memory: 256M, reservation: 128M}\n");
        List<AdmissionDecision> d = c.admit(1L << 30);
        assertThat(d).extracting(AdmissionDecision::admitted).containsExactly(true, false, true);
        assertThat(d.get(1).message()).isEqualTo("vm b refused: reservations and overheads would need 1.15G but the host has 1G, short by 152M");
        assertThat(c.withVms(List.of(c.vms().get(0), c.vms().get(2))).vms()).extracting(VmConfig::name).containsExactly("a", "c");
    }
}
