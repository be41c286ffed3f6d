package dev.memvisor.core.settings;

import dev.memvisor.core.InvalidSettingException;
import dev.memvisor.core.model.MemoryThresholds;
import dev.memvisor.core.policy.PolicyConfig;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Each PolicyConfig component carries its {@link Setting}, and the constructor enforces the declared
 * range: a value just outside is refused naming the component, a value at an included bound is taken.
 * A range declared but not checked (a forgotten {@code Settings.check} line) fails here.
 */
class PolicyConfigSettingsTest {
    @Test
    void everyComponentIsDescribed() {
        for (Class<? extends Record> type : java.util.List.of(PolicyConfig.class, MemoryThresholds.class)) {
            for (RecordComponent c : type.getRecordComponents()) {
                Setting s = c.getAnnotation(Setting.class);
                assertThat(s).as(type.getSimpleName() + "." + c.getName() + " has a @Setting").isNotNull();
                assertThat(s.value()).isNotBlank();
                if (!s.range().isEmpty()) Range.parse(s.range(), s.unit());
            }
        }
    }

    @Test
    void everyDeclaredRangeIsEnforced() throws Exception {
        PolicyConfig d = PolicyConfig.defaults();
        RecordComponent[] cs = PolicyConfig.class.getRecordComponents();
        for (int i = 0; i < cs.length; i++) {
            Setting s = cs[i].getAnnotation(Setting.class);
            if (s.range().isEmpty()) continue;
            Range r = Range.parse(s.range(), s.unit());
            Class<?> t = cs[i].getType();
            BigDecimal step = t == double.class ? new BigDecimal("0.000001") : BigDecimal.ONE;
            if (r.min() != null) {
                BigDecimal below = r.minInclusive() ? r.min().subtract(step) : r.min();
                // 0 with a declared meaning (zero()) is taken outside the range: check just below it instead
                if (below.signum() == 0 && !s.zero().isEmpty()) {
                    assertTaken(d, i, below);
                    below = below.subtract(step);
                }
                assertRefused(d, i, below, cs[i].getName());
                if (r.minInclusive()) assertTaken(d, i, r.min());
            }
            if (r.max() != null) {
                assertRefused(d, i, r.maxInclusive() ? r.max().add(step) : r.max(), cs[i].getName());
                if (r.maxInclusive()) assertTaken(d, i, r.max());
            }
        }
    }

    private static void assertRefused(PolicyConfig d, int i, BigDecimal v, String name) throws Exception {
        try {
            build(d, i, v);
            fail(name + " = " + v + " was accepted, outside its declared range");
        } catch (InvalidSettingException e) {
            assertThat(e.field()).isEqualTo(name);
        }
    }

    private static void assertTaken(PolicyConfig d, int i, BigDecimal v) throws Exception {
        build(d, i, v);
    }

    private static PolicyConfig build(PolicyConfig d, int i, BigDecimal v) throws Exception {
        RecordComponent[] cs = PolicyConfig.class.getRecordComponents();
        Object[] args = new Object[cs.length];
        for (int k = 0; k < cs.length; k++) args[k] = cs[k].getAccessor().invoke(d);
        Class<?> t = cs[i].getType();
        args[i] = t == double.class ? (Object) v.doubleValue() : t == int.class ? (Object) v.intValueExact() : (Object) v.longValueExact();
        Constructor<PolicyConfig> ctor = PolicyConfig.class.getDeclaredConstructor(
                Arrays.stream(cs).map(RecordComponent::getType).toArray(Class<?>[]::new));
        try {
            return ctor.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof InvalidSettingException ise) throw ise;
            throw e;
        }
    }
}
