package dev.memvisor.core.settings;

import dev.memvisor.core.InvalidSettingException;
import dev.memvisor.core.unit.Size;

import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;

/** Range checks and YAML keys of {@link Setting}-annotated record components, so each range is declared once, on the component. */
public final class Settings {
    private Settings() {}

    /**
     * Checks {@code value} of the component {@code name} of {@code type} against its {@link Setting#range()}.
     *
     * @throws InvalidSettingException naming the component, the value and the range
     */
    public static void check(Class<? extends Record> type, String name, double value) {
        RecordComponent c = component(type, name);
        Setting s = c.getAnnotation(Setting.class);
        if (s == null || s.range().isEmpty() || value == 0 && !s.zero().isEmpty()) return;
        Range r = Range.parse(s.range(), s.unit());
        if (!r.contains(value)) throw new InvalidSettingException(name, value, r.describe(kind(c.getType(), s)));
    }

    /**
     * Checks a whole-number {@code value} of the component {@code name} of {@code type} against its {@link Setting#range()}.
     *
     * @throws InvalidSettingException naming the component, the value (as a size for sizes) and the range
     */
    public static void check(Class<? extends Record> type, String name, long value) {
        RecordComponent c = component(type, name);
        Setting s = c.getAnnotation(Setting.class);
        if (s == null || s.range().isEmpty() || value == 0 && !s.zero().isEmpty()) return;
        Range r = Range.parse(s.range(), s.unit());
        if (!r.contains(BigDecimal.valueOf(value))) {
            throw new InvalidSettingException(name, s.unit() == Setting.Unit.BYTES ? Size.format(value) : value, r.describe(kind(c.getType(), s)));
        }
    }

    /** The key of a component in a settings file: its name, less a {@code Bytes} suffix for a size ({@code proxmoxMaxStepBytes} is written {@code proxmoxMaxStep: 100M}). */
    public static String key(RecordComponent c) {
        Setting s = c.getAnnotation(Setting.class);
        String n = c.getName();
        return s != null && s.unit() == Setting.Unit.BYTES && n.endsWith("Bytes") ? n.substring(0, n.length() - 5) : n;
    }

    /** What a value of this type and setting is, for messages and the reference: a number, an integer, a size, a duration, a flag or text. */
    public static String kind(Class<?> type, Setting s) {
        if (s != null && s.unit() == Setting.Unit.BYTES) return "a size";
        if (s != null && s.unit() == Setting.Unit.DURATION) return "a duration";
        if (type == double.class || type == Double.class || type == float.class || type == Float.class) return "a number";
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) return "an integer";
        if (type == boolean.class || type == Boolean.class) return "true or false";
        return "text";
    }

    private static RecordComponent component(Class<? extends Record> type, String name) {
        for (RecordComponent c : type.getRecordComponents()) if (c.getName().equals(name)) return c;
        throw new IllegalArgumentException(type.getSimpleName() + " has no component " + name);
    }
}
