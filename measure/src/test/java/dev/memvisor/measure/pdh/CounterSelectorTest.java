package dev.memvisor.measure.pdh;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CounterSelectorTest {
    private static CounterPath p(String s) {
        return CounterPath.parse(s);
    }

    @Test
    void wildcardsMatchObjectInstanceAndCounter() {
        CounterSelector s = CounterSelector.parse("Group Cpu(*:portunus)\\% *");
        assertThat(s.matches(p("\\\\esx\\Group Cpu(1303673:portunus)\\% Ready"))).isTrue();
        assertThat(s.matches(p("\\\\esx\\Group Cpu(1303673:hermes)\\% Ready"))).isFalse();
        assertThat(s.matches(p("\\\\esx\\Group Cpu(1303673:portunus)\\Members"))).isFalse();
        assertThat(CounterSelector.parse("group cpu(?:ft)\\members").matches(p("\\\\esx\\Group Cpu(1:ft)\\Members"))).isTrue();
    }

    @Test
    void noInstanceInTheSelectorMeansNoInstanceInTheColumn() {
        CounterSelector s = CounterSelector.parse("Memory\\Free MBytes");
        assertThat(s.matches(p("\\\\esx\\Memory\\Free MBytes"))).isTrue();
        assertThat(s.matches(p("\\\\esx\\Memory(x)\\Free MBytes"))).isFalse();
    }

    @Test
    void machineIsOptionalAndMatchedWhenGiven() {
        assertThat(CounterSelector.parse("\\\\esx*\\Memory\\*").matches(p("\\\\esx1\\Memory\\Free MBytes"))).isTrue();
        assertThat(CounterSelector.parse("\\\\db\\Memory\\*").matches(p("\\\\esx1\\Memory\\Free MBytes"))).isFalse();
    }

    @Test
    void instancesWithParenthesesAndLocalizedNamesParse() {
        CounterPath c = p("\\\\PC\\Process(svchost (2)#1)\\% Processor Time");
        assertThat(c.instance()).isEqualTo("svchost (2)#1");
        assertThat(c.instanceBaseName()).isEqualTo("svchost (2)");
        assertThat(CounterSelector.parse("Процесс(*)\\% загруженности процессора").matches(c)).isTrue();
        assertThat(p("   -")).isNull();
    }

    @Test
    void aSelectorWithoutCounterIsRejected() {
        assertThatThrownBy(() -> CounterSelector.parse("Memory")).hasMessageContaining("expected Object(Instance)\\Counter");
    }
}
